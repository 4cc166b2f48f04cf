#include "arca/crypto/hash.h"

#include <gtest/gtest.h>

#include <string_view>

namespace arca::crypto {
namespace {

TEST(Sha256HasherTest, StreamedPiecesHashLikeTheWhole) {
  // FIPS 180-2, appendix B.1.
  Sha256Hasher abc;
  abc.Update(AsBytes("a"));
  abc.Update(AsBytes(""));
  abc.Update(AsBytes("bc"));
  EXPECT_EQ(ToHex(abc.Finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  const std::string_view text = "the quick brown fox jumps over the lazy dog, many times over";
  Sha256Hasher pieces;
  for (size_t i = 0; i < text.size(); i += 7) pieces.Update(AsBytes(text.substr(i, 7)));
  EXPECT_EQ(pieces.Finish(), Sha256(AsBytes(text)));
}

}  // namespace
}  // namespace arca::crypto
