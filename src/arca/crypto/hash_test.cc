#include "arca/crypto/hash.h"

#include <gtest/gtest.h>

#include <string_view>

namespace arca::crypto {
namespace {

TEST(Sha256HasherTest, PiecesGiveTheDigestOfTheWhole) {
  // FIPS 180-2, appendix B.1.
  Sha256Hasher hasher;
  hasher.Update(AsBytes("a"));
  hasher.Update(AsBytes(""));
  hasher.Update(AsBytes("bc"));
  EXPECT_EQ(ToHex(hasher.Finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Finish starts over.
  const std::string_view text = "arca share file";
  hasher.Update(AsBytes(text.substr(0, 5)));
  hasher.Update(AsBytes(text.substr(5)));
  EXPECT_EQ(hasher.Finish(), Sha256(AsBytes(text)));
}

}  // namespace
}  // namespace arca::crypto
