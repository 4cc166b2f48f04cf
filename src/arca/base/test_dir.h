// A directory of its own for the running test. Tests of one binary run as separate processes
// in parallel under ctest, so a directory shared by name between tests is a race.
#ifndef ARCA_BASE_TEST_DIR_H_
#define ARCA_BASE_TEST_DIR_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace arca::testing {

// TempDir()/<prefix>_<suite>_<test>, emptied and created.
inline std::string FreshTestDir(const std::string& prefix) {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir =
      ::testing::TempDir() + "/" + prefix + "_" + test->test_suite_name() + "_" + test->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace arca::testing

#endif  // ARCA_BASE_TEST_DIR_H_
