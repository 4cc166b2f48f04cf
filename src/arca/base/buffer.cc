#include "arca/base/buffer.h"

#include <cstring>
#include <new>

namespace arca {

Buffer::Buffer(size_t size) : size_(size) {
  if (size == 0) return;
  // aligned_alloc wants a multiple of the alignment.
  const size_t rounded = (size + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
  data_.reset(static_cast<uint8_t*>(p));
}

Buffer Buffer::CopyOf(std::span<const uint8_t> bytes) {
  Buffer out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

Buffer::Buffer(const Buffer& other) : Buffer(CopyOf(other.bytes())) {}

Buffer& Buffer::operator=(const Buffer& other) {
  if (this != &other) *this = CopyOf(other.bytes());
  return *this;
}

}  // namespace arca
