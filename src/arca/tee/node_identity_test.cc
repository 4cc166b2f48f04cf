#include "arca/tee/node_identity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "arca/base/test_dir.h"

namespace arca::tee {
namespace {

SealingKey Key(std::string_view measurement) {
  return *SealingKey::Derive(Bytes(32, 9), AsBytes(measurement), "node identity key");
}

TEST(NodeIdentityTest, IsSealedAndReloadedOnlyByTheSameProgram) {
  const std::string path = arca::testing::FreshTestDir("node_identity_test") + "/identity.sealed";
  const NodeIdentity created = *NodeIdentity::LoadOrCreate(path, Key("node v1"));
  const NodeIdentity loaded = *NodeIdentity::LoadOrCreate(path, Key("node v1"));
  EXPECT_EQ(loaded.KeyDigest(), created.KeyDigest());
  EXPECT_EQ(loaded.signing_key().Sign(AsBytes("m")), created.signing_key().Sign(AsBytes("m")));
  EXPECT_EQ(loaded.hpke_key().private_key, created.hpke_key().private_key);

  // Another program cannot read it, and the file stays as it was.
  const Bytes before = *ReadFileBytes(path);
  const Result<NodeIdentity> other = NodeIdentity::LoadOrCreate(path, Key("node v2"));
  ASSERT_FALSE(other.ok());
  EXPECT_THAT(other.status().message(), ::testing::HasSubstr("does not authenticate"));
  EXPECT_EQ(*ReadFileBytes(path), before);
  // The sealed file holds neither private key in the clear.
  const std::array<uint8_t, 32> seed = created.signing_key().Seed();
  EXPECT_EQ(std::search(before.begin(), before.end(), seed.begin(), seed.end()), before.end());
}

TEST(NodeIdentityTest, TheDigestCoversBothKeys) {
  const NodeIdentity a = NodeIdentity::Generate();
  const NodeIdentity b = NodeIdentity::Generate();
  EXPECT_NE(a.KeyDigest(), b.KeyDigest());
  EXPECT_NE(IdentityDigest(a.signing_key().RawPublicKey(), b.hpke_key().public_key), a.KeyDigest());
  EXPECT_EQ(IdentityDigest(a.signing_key().RawPublicKey(), a.hpke_key().public_key), a.KeyDigest());
}

}  // namespace
}  // namespace arca::tee
