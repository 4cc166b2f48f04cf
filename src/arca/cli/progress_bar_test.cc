#include "arca/cli/progress_bar.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace arca::cli {
namespace {

// What the bar printed to a file (not a terminal: one line per further tenth).
std::string Printed(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  int c = 0;
  while ((c = std::fgetc(file)) != EOF) text.push_back(static_cast<char>(c));
  return text;
}

TEST(ProgressBar, OffTerminalPrintsOneLinePerTenth) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    ProgressBar bar("upload node-0", "bytes", file);
    for (uint64_t done = 0; done <= 2'000'000; done += 50'000) bar.Update(done, 2'000'000);
    bar.Finish("done");
  }
  const std::string text = Printed(file);
  std::fclose(file);
  size_t lines = 0;
  for (const char c : text) lines += c == '\n' ? 1 : 0;
  EXPECT_EQ(lines, 12u);  // 0%, 10%, ..., 100%, then the outcome
  EXPECT_NE(text.find("upload node-0 [###############...............]  50%  1000 kB / 2000 kB"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("upload node-0: done\n"), std::string::npos) << text;
}

TEST(ProgressBar, FractionsAreClampedAndNeverGoBack) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    ProgressBar bar("job 7", "", file);
    bar.UpdateFraction(0.55);
    bar.UpdateFraction(0.31);  // a stale report: not drawn again
    bar.UpdateFraction(7.0);
  }
  const std::string text = Printed(file);
  std::fclose(file);
  EXPECT_NE(text.find(" 55%"), std::string::npos) << text;
  EXPECT_EQ(text.find(" 31%"), std::string::npos) << text;
  EXPECT_NE(text.find("100%"), std::string::npos) << text;
}

}  // namespace
}  // namespace arca::cli
