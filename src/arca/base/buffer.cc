#include "arca/base/buffer.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

#include "arca/base/env.h"

namespace arca {

namespace {

// Large buffers are aligned to huge pages and ask the kernel for them: a fresh 80 MB tensor
// then costs 40 page faults instead of 20,000, which matters on virtual machines where a fault
// is expensive. (With transparent huge pages set to "never", the advice is ignored.)
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kLarge = 2 * kHugePage;

// Freed large blocks, by capacity, for reuse. A block serves a request of at least 4/5 of
// its capacity, so that the cache neither wastes much nor keeps blocks it can never reuse.
class LargeBlockCache {
 public:
  static LargeBlockCache& Get() {
    // One cache for the process, never destroyed (buffers may be freed during exit).
    // NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
    static auto* const cache = new LargeBlockCache(
        static_cast<size_t>(EnvInt("ARCA_BUFFER_CACHE_MB", 2048, 0, int64_t{1} << 20)) << 20);
    return *cache;
  }

  // A cached block of capacity in [need, need·5/4], or null.
  void* Take(size_t need, size_t* capacity) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = blocks_.lower_bound(need);
    if (it == blocks_.end() || it->first > need / 4 * 5) return nullptr;
    *capacity = it->first;
    void* p = it->second;
    blocks_.erase(it);
    bytes_ -= *capacity;
    return p;
  }

  // Keeps the block if there is room; frees it otherwise.
  void Give(void* p, size_t capacity) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (bytes_ + capacity <= limit_) {
        blocks_.emplace(capacity, p);
        bytes_ += capacity;
        return;
      }
    }
    std::free(p);  // NOLINT(cppcoreguidelines-no-malloc): pairs with aligned_alloc below
  }

 private:
  explicit LargeBlockCache(size_t limit) : limit_(limit) {}

  const size_t limit_;
  std::mutex mu_;
  std::multimap<size_t, void*> blocks_;
  size_t bytes_ = 0;
};

}  // namespace

void Buffer::Release::operator()(uint8_t* p) const {
  if (capacity >= kLarge) {
    LargeBlockCache::Get().Give(p, capacity);
  } else {
    std::free(p);  // NOLINT(cppcoreguidelines-no-malloc): pairs with aligned_alloc below
  }
}

Buffer::Buffer(size_t size) : size_(size) {
  if (size == 0) return;
  const size_t alignment = size >= kLarge ? kHugePage : kAlignment;
  // aligned_alloc wants a multiple of the alignment.
  size_t capacity = (size + alignment - 1) / alignment * alignment;
  void* p = alignment == kHugePage ? LargeBlockCache::Get().Take(capacity, &capacity) : nullptr;
  if (p == nullptr) {
    p = std::aligned_alloc(alignment, capacity);
    if (p == nullptr) throw std::bad_alloc();
    if (alignment == kHugePage) madvise(p, capacity, MADV_HUGEPAGE);
  }
  data_ = std::unique_ptr<uint8_t[], Release>(static_cast<uint8_t*>(p), Release{capacity});
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
