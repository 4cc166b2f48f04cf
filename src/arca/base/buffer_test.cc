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

}  // namespace
}  // namespace arca
