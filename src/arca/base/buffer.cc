#include "arca/base/buffer.h"

#include <sys/mman.h>

#include <cstring>
#include <new>

namespace arca {

namespace {

// Large buffers are aligned to huge pages and ask the kernel for them: a fresh 80 MB tensor
// then costs 40 page faults instead of 20,000, which matters on virtual machines where a fault
// is expensive. (With transparent huge pages set to "never", the advice is ignored.)
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kHugeFrom = 2 * kHugePage;

}  // namespace

Buffer::Buffer(size_t size) : size_(size) {
  if (size == 0) return;
  const size_t alignment = size >= kHugeFrom ? kHugePage : kAlignment;
  // aligned_alloc wants a multiple of the alignment.
  const size_t rounded = (size + alignment - 1) / alignment * alignment;
  void* p = std::aligned_alloc(alignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
  if (alignment == kHugePage) madvise(p, rounded, MADV_HUGEPAGE);
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
