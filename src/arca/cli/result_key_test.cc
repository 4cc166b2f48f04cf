#include "arca/cli/result_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "arca/coord/test_util.h"

namespace arca::cli {
namespace {

using ::testing::HasSubstr;

TEST(ResultKeyTest, KeygenWritesAPrivateFileAndAHexPublicOneThatMatch) {
  const coord::testing::TempDir dir;
  const std::string path = dir.File("consumer.key");
  EXPECT_EQ(ResultPublicKeyPath(path), dir.File("consumer.pub"));
  EXPECT_EQ(ResultPublicKeyPath("result"), "result.pub");
  const crypto::X25519Key public_key = WriteResultKeyPair(path).value();

  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);
  const crypto::X25519Key private_key = ReadResultPrivateKey(path).value();
  EXPECT_EQ(crypto::X25519PublicKey(private_key).value(), public_key);
  const Bytes text = ReadFileBytes(dir.File("consumer.pub")).value();
  EXPECT_EQ(std::string(text.begin(), text.end()), ToHex(public_key) + "\n");
  EXPECT_EQ(ReadResultPublicKey(dir.File("consumer.pub")).value(), public_key);
}

TEST(ResultKeyTest, KeygenNeverOverwritesEitherFile) {
  const coord::testing::TempDir dir;
  const std::string path = dir.File("consumer.key");
  const crypto::X25519Key first = WriteResultKeyPair(path).value();
  EXPECT_THAT(WriteResultKeyPair(path).status().message(), HasSubstr("exists already"));
  EXPECT_EQ(ReadResultPublicKey(dir.File("consumer.pub")).value(), first);
  std::filesystem::remove(path);
  // A public key left behind is not replaced by one of another pair either.
  EXPECT_THAT(WriteResultKeyPair(path).status().message(),
              HasSubstr("consumer.pub exists already"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ResultKeyTest, APrivateKeyFileIsNotTakenForAPublicKey) {
  const coord::testing::TempDir dir;
  const std::string path = dir.File("consumer.key");
  ASSERT_TRUE(WriteResultKeyPair(path).ok());
  // 32 raw bytes: taken as a public key, it would be sent to the coordinator.
  EXPECT_THAT(ReadResultPublicKey(path).status().message(),
              HasSubstr("is not a result public key (64 hex digits"));
  EXPECT_THAT(ReadResultPrivateKey(dir.File("consumer.pub")).status().message(),
              HasSubstr("is not a result private key"));
}

}  // namespace
}  // namespace arca::cli
