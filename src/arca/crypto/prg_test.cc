#include "arca/crypto/prg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "arca/crypto/os_random.h"

namespace arca::crypto {
namespace {

std::vector<uint8_t> FromHex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> ArrayFromHex(const std::string& hex) {
  std::array<uint8_t, N> out{};
  const std::vector<uint8_t> bytes = FromHex(hex);
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

// NIST SP 800-38A, appendix F.5.1 (CTR-AES128.Encrypt): the keystream is plaintext XOR
// ciphertext.
TEST(PrgTest, MatchesNistCtrKnownAnswer) {
  const Seed key = ArrayFromHex<16>("2b7e151628aed2a6abf7158809cf4f3c");
  const Block counter = ArrayFromHex<16>("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  const std::vector<uint8_t> plaintext = FromHex(
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
  const std::vector<uint8_t> ciphertext = FromHex(
      "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
      "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
  Prg prg = Prg::AtCounter(key, counter);
  std::vector<uint8_t> stream(64);
  prg.Fill(stream);
  for (size_t i = 0; i < stream.size(); ++i) {
    EXPECT_EQ(stream[i], plaintext[i] ^ ciphertext[i]) << "byte " << i;
  }
}

// The counter is a 128-bit integer: the carry crosses the 64-bit boundary.
TEST(PrgTest, CounterCarriesAcross64Bits) {
  const Seed key = RandomSeed();
  Block low_max{};
  for (size_t i = 8; i < 16; ++i) low_max[i] = 0xff;
  Block next{};
  next[7] = 1;
  std::vector<uint8_t> two_blocks(32), second(16);
  Prg::AtCounter(key, low_max).Fill(two_blocks);
  Prg::AtCounter(key, next).Fill(second);
  EXPECT_TRUE(std::equal(second.begin(), second.end(), two_blocks.begin() + 16));
}

TEST(PrgTest, PiecewiseUnalignedAndParallelFillsAgree) {
  const Seed seed = RandomSeed();
  // Larger than the parallel threshold so that the thread pool path runs.
  const size_t size = (size_t{5} << 20) + 13;
  std::vector<uint8_t> whole(size);
  Prg(seed, 7).Fill(whole);

  std::vector<uint8_t> pieces(size);
  Prg prg(seed, 7);
  size_t offset = 0;
  for (size_t step : {1u, 3u, 16u, 17u, 1000u}) {
    prg.Fill(std::span<uint8_t>(pieces.data() + offset, step));
    offset += step;
  }
  prg.Fill(std::span<uint8_t>(pieces.data() + offset, size - offset));
  EXPECT_EQ(prg.position(), size);
  EXPECT_TRUE(whole == pieces);
}

TEST(PrgTest, SeekRevisitsTheStream) {
  Prg prg(RandomSeed(), 0);
  std::vector<uint64_t> first(100), again(10);
  prg.Fill(first);
  prg.Seek(uint64_t{8} * 37);
  prg.Fill(again);
  EXPECT_TRUE(std::equal(again.begin(), again.end(), first.begin() + 37));
}

TEST(PrgTest, StreamsAndSeedsAreIndependent) {
  const Seed seed = RandomSeed();
  Prg a(seed, 1), b(seed, 2), c(RandomSeed(), 1);
  const uint64_t va = a.NextU64(), vb = b.NextU64(), vc = c.NextU64();
  EXPECT_NE(va, vb);
  EXPECT_NE(va, vc);
  Prg a_again(seed, 1);
  EXPECT_EQ(a_again.NextU64(), va);
}

TEST(OsRandomTest, SeedsDiffer) { EXPECT_NE(RandomSeed(), RandomSeed()); }

}  // namespace
}  // namespace arca::crypto
