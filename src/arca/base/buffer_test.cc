#include "arca/base/buffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace arca {
namespace {

TEST(BufferTest, IsAlignedForVectorLoads) {
  for (size_t size : {1u, 7u, 64u, 1000u, 1u << 20}) {
    Buffer b(size);
    EXPECT_EQ(b.size(), size);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % Buffer::kAlignment, 0u);
  }
}

TEST(BufferTest, CopyIsDeepAndMoveTransfersStorage) {
  const std::vector<uint8_t> bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  Buffer a = Buffer::CopyOf(bytes);
  Buffer copy = a;
  copy.data()[0] = 42;
  EXPECT_EQ(a.data()[0], 1);
  const uint8_t* storage = a.data();
  Buffer moved = std::move(a);
  EXPECT_EQ(moved.data(), storage);
  EXPECT_EQ(moved.size(), bytes.size());
}

TEST(BufferTest, AsViewsWholeElementsOnly) {
  Buffer b(20);
  EXPECT_EQ(b.As<uint64_t>().size(), 2u);
  EXPECT_EQ(b.As<uint32_t>().size(), 5u);
  EXPECT_TRUE(Buffer().empty());
}

// Large buffers come back from the cache once freed: the same storage, without a trip to the
// kernel (whose fresh pages it would have to zero).
TEST(BufferTest, FreedLargeBuffersAreReused) {
  const size_t size = size_t{8} << 20;
  const uint8_t* first = nullptr;
  {
    Buffer big(size);
    first = big.data();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % (size_t{2} << 20), 0u);
  }
  Buffer again(size - 1000);
  EXPECT_EQ(again.data(), first);
  EXPECT_EQ(again.size(), size - 1000);
  Buffer other(size);  // the cached block is in use: a new one
  EXPECT_NE(other.data(), first);
}

// A buffer the cache cannot serve frees the oldest cached blocks first, at least as many bytes
// as it asks for, so that blocks nothing reuses do not stay on top of live memory.
TEST(BufferTest, AMissFreesTheOldestCachedBlocks) {
  const size_t mb = size_t{1} << 20;
  // Larger than any cached block, so a miss: it frees what earlier tests left in the cache.
  const Buffer drain(BufferCacheBytes() + 4 * mb);
  ASSERT_EQ(BufferCacheBytes(), 0u);
  { Buffer a(8 * mb), b(8 * mb), c(8 * mb); }
  ASSERT_EQ(BufferCacheBytes(), 24 * mb);
  {
    Buffer larger(16 * mb);  // no cached block fits: frees the two oldest
    EXPECT_EQ(BufferCacheBytes(), 8 * mb);
    Buffer same(8 * mb);  // the third serves it
    EXPECT_EQ(BufferCacheBytes(), 0u);
  }
  EXPECT_EQ(BufferCacheBytes(), 24 * mb);
}

// Whether a buffer is large is decided on its rounded capacity, on allocation and on release
// alike: one just under 4 MB, whose capacity rounds up to 4 MB, is allocated as a large block
// (the cache's bytes account for it) rather than slipping into the cache when freed.
TEST(BufferTest, ABufferJustUnderTheLargeSizeIsCountedAsLarge) {
  const size_t mb = size_t{1} << 20;
  const Buffer drain(BufferCacheBytes() + 4 * mb);
  ASSERT_EQ(BufferCacheBytes(), 0u);
  { Buffer a(8 * mb), b(8 * mb); }
  ASSERT_EQ(BufferCacheBytes(), 16 * mb);
  {
    Buffer almost(4 * mb - 8);  // a miss: frees the oldest 8 MB block
    EXPECT_EQ(reinterpret_cast<uintptr_t>(almost.data()) % (2 * mb), 0u);
    EXPECT_EQ(BufferCacheBytes(), 8 * mb);
  }
  EXPECT_EQ(BufferCacheBytes(), 12 * mb);
}

}  // namespace
}  // namespace arca
