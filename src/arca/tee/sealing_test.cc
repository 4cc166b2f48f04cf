#include "arca/tee/sealing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace arca::tee {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kDoesNotAuthenticate =
    "sealed data does not authenticate: it was sealed by another program or has been modified";

const Bytes kSecret(32, 0x5e);
const Bytes kMeasurement(48, 0xa1);

SealingKey Key(ByteView secret = kSecret, ByteView measurement = kMeasurement,
               std::string_view purpose = "shares") {
  return SealingKey::Derive(secret, measurement, purpose).value();
}

void ExpectDoesNotAuthenticate(const Result<Bytes>& unsealed) {
  EXPECT_EQ(unsealed.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(unsealed.status().message(), HasSubstr(kDoesNotAuthenticate));
}

TEST(SealingTest, RoundTripsWithAFreshNonceEachTime) {
  const SealingKey key = Key();
  for (const size_t size : {0, 1, 100, 100000}) {
    const Bytes plaintext(size, 0x33);
    const Bytes blob = key.Seal(plaintext).value();
    EXPECT_EQ(blob.size(), size + kSealedOverhead);
    EXPECT_EQ(Key().Unseal(blob).value(), plaintext);  // the same derivation gives the same key
    EXPECT_NE(key.Seal(plaintext).value(), blob);
  }
}

TEST(SealingTest, RefusesEveryTamperedByte) {
  const SealingKey key = Key();
  const Bytes blob = key.Seal(AsBytes("node identity seed")).value();
  for (size_t i = 0; i < blob.size(); ++i) {
    for (const uint8_t flip : {0x01, 0x80, 0xff}) {
      Bytes tampered = blob;
      tampered[i] ^= flip;
      const Result<Bytes> unsealed = key.Unseal(tampered);
      EXPECT_EQ(unsealed.status().code(), StatusCode::kDataLoss) << "byte " << i;
      if (i >= 5) ExpectDoesNotAuthenticate(unsealed);  // past magic and version
    }
  }
  EXPECT_THAT(key.Unseal(ByteView(blob).first(kSealedOverhead - 1)).status().message(),
              HasSubstr("truncated"));
  Bytes bad_magic = blob;
  bad_magic[0] = 'X';
  EXPECT_THAT(key.Unseal(bad_magic).status().message(), HasSubstr("not sealed data"));
  Bytes bad_version = blob;
  bad_version[4] = 2;
  EXPECT_THAT(key.Unseal(bad_version).status().message(), HasSubstr("format version 2"));
}

TEST(SealingTest, RefusesAnotherProgramPurposeOrPlatform) {
  const Bytes blob = Key().Seal(AsBytes("shares of dataset 1")).value();
  Bytes other_measurement = kMeasurement;
  other_measurement[47] ^= 1;
  ExpectDoesNotAuthenticate(Key(kSecret, other_measurement).Unseal(blob));
  ExpectDoesNotAuthenticate(Key(kSecret, kMeasurement, "identity").Unseal(blob));
  ExpectDoesNotAuthenticate(Key(Bytes(32, 0x5f)).Unseal(blob));
  // measurement || purpose is unambiguous: moving a byte from one to the other changes the key.
  const Bytes split = Key(kSecret, AsBytes("ab"), "c").Seal(AsBytes("x")).value();
  ExpectDoesNotAuthenticate(Key(kSecret, AsBytes("a"), "bc").Unseal(split));
}

TEST(SealingTest, RefusesBadDerivationInputs) {
  EXPECT_EQ(SealingKey::Derive(Bytes(15), kMeasurement, "p").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SealingKey::Derive(kSecret, {}, "p").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SealingKey::Derive(kSecret, kMeasurement, "").status().code(),
            StatusCode::kInvalidArgument);
}

class SealedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "arca_sealing_XXXXXX";
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    path_ = (dir_ / "shares.sealed").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Names in the directory other than the sealed file (leftover temporary files).
  int OtherFiles() const {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.path() != path_) ++n;
    }
    return n;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SealedFileTest, WritesAtomicallyAndReadsBack) {
  const SealingKey key = Key();
  ASSERT_TRUE(WriteSealedFile(path_, key, AsBytes("version 1")).ok());
  EXPECT_EQ(ReadSealedFile(path_, key).value(),
            Bytes(AsBytes("version 1").begin(), AsBytes("version 1").end()));
  ASSERT_TRUE(WriteSealedFile(path_, key, AsBytes("version 2")).ok());
  EXPECT_EQ(ReadSealedFile(path_, key).value().back(), '2');
  EXPECT_EQ(OtherFiles(), 0);
  // Only the owner can read it, and it holds the sealed blob, not the plaintext.
  const auto perms = std::filesystem::status(path_).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const Bytes raw = ReadFileBytes(path_).value();
  EXPECT_EQ(raw.size(), 9 + kSealedOverhead);
  EXPECT_EQ(std::string(raw.begin(), raw.end()).find("version"), std::string::npos);
}

TEST_F(SealedFileTest, FailedUnsealLeavesTheFile) {
  ASSERT_TRUE(WriteSealedFile(path_, Key(), AsBytes("keep me")).ok());
  const Bytes before = ReadFileBytes(path_).value();
  const Result<Bytes> read = ReadSealedFile(path_, Key(kSecret, kMeasurement, "other"));
  ExpectDoesNotAuthenticate(read);
  EXPECT_THAT(read.status().message(), HasSubstr(path_));
  EXPECT_EQ(ReadFileBytes(path_).value(), before);
  EXPECT_EQ(ReadSealedFile(path_ + ".missing", Key()).status().code(), StatusCode::kNotFound);
}

// A write that fails half way (here: the file size limit, which binds even root) leaves the
// previous file intact and no temporary file behind.
TEST_F(SealedFileTest, FailedWriteLeavesThePreviousFile) {
  const SealingKey key = Key();
  ASSERT_TRUE(WriteSealedFile(path_, key, AsBytes("previous")).ok());
  const Bytes before = ReadFileBytes(path_).value();

  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto* const previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = saved;
  limited.rlim_cur = 100;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  const Status status = WriteSealedFile(path_, key, Bytes(1000, 7));
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  std::signal(SIGXFSZ, previous_handler);

  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr("cannot write"));
  EXPECT_EQ(ReadFileBytes(path_).value(), before);
  EXPECT_EQ(ReadSealedFile(path_, key).value(), Bytes({'p', 'r', 'e', 'v', 'i', 'o', 'u', 's'}));
  EXPECT_EQ(OtherFiles(), 0);
}

TEST_F(SealedFileTest, WriteIntoMissingDirectoryFailsCleanly) {
  const Status status = WriteSealedFile((dir_ / "missing" / "f").string(), Key(), AsBytes("x"));
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
  EXPECT_EQ(OtherFiles(), 0);
}

}  // namespace
}  // namespace arca::tee
