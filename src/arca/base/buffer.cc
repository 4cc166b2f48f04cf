#include "arca/base/buffer.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <list>
#include <mutex>
#include <new>
#include <vector>

#include "arca/base/env.h"

namespace arca {

namespace {

// Large buffers are aligned to huge pages and ask the kernel for them: a fresh 80 MB tensor
// then costs 40 page faults instead of 20,000, which matters on virtual machines where a fault
// is expensive. (With transparent huge pages set to "never", the advice is ignored.) They are
// mapped from the kernel directly, so that a freed one gives its pages back at once: malloc
// serves blocks below its dynamic threshold (which rises to 32 MB) from its heap, where freed
// memory stays resident and a process's footprint only grows.
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kLarge = 2 * kHugePage;

size_t RoundUp(size_t size, size_t multiple) { return (size + multiple - 1) / multiple * multiple; }

// `capacity` bytes (a multiple of kHugePage) at a kHugePage boundary, or null: maps a huge
// page more and unmaps what lies outside the aligned range.
void* MapLarge(size_t capacity) {
  const size_t span = capacity + kHugePage;
  void* mapped = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return nullptr;
  auto* const begin = static_cast<uint8_t*>(mapped);
  const size_t lead = (kHugePage - reinterpret_cast<uintptr_t>(begin) % kHugePage) % kHugePage;
  uint8_t* const aligned = begin + lead;
  if (lead > 0) munmap(begin, lead);
  if (span - lead > capacity) munmap(aligned + capacity, span - lead - capacity);
  madvise(aligned, capacity, MADV_HUGEPAGE);
  return aligned;
}

void UnmapLarge(void* p, size_t capacity) { munmap(p, capacity); }

// Freed large blocks, for reuse. A block serves a request of at least 4/5 of its capacity, so
// that little is wasted. A request the cache cannot serve (a miss) frees the oldest cached
// blocks, at least as many bytes as it asks for: blocks that nothing reused while fresh memory
// was needed (a sort's passes ask for ever smaller arrays) are given back, and live plus cached
// bytes never exceed the largest live bytes so far. The cache thus saves the kernel's zeroing
// of fresh pages without raising the process's peak memory.
class LargeBlockCache {
 public:
  static LargeBlockCache& Get() {
    // One cache for the process, never destroyed (buffers may be freed during exit).
    // NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
    static auto* const cache = new LargeBlockCache(
        static_cast<size_t>(EnvInt("ARCA_BUFFER_CACHE_MB", 2048, 0, int64_t{1} << 20)) << 20);
    return *cache;
  }

  // The smallest cached block of capacity in [need, need·5/4], or null after freeing the
  // oldest blocks (at least `need` bytes of them, or all). The cache holds at most a few
  // hundred blocks, so a scan costs nothing next to the request it serves.
  void* Take(size_t need, size_t* capacity) {
    std::vector<Block> evicted;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto best = blocks_.end();
      for (auto it = blocks_.begin(); it != blocks_.end(); ++it) {
        if (it->capacity >= need && it->capacity <= need / 4 * 5 &&
            (best == blocks_.end() || it->capacity < best->capacity)) {
          best = it;
        }
      }
      if (best != blocks_.end()) {
        *capacity = best->capacity;
        void* p = best->p;
        bytes_ -= best->capacity;
        blocks_.erase(best);
        return p;
      }
      for (size_t freed = 0; freed < need && !blocks_.empty();) {
        freed += blocks_.front().capacity;
        bytes_ -= blocks_.front().capacity;
        evicted.push_back(blocks_.front());
        blocks_.pop_front();
      }
    }
    for (const Block& block : evicted) UnmapLarge(block.p, block.capacity);
    return nullptr;
  }

  // Keeps the block if there is room; frees it otherwise.
  void Give(void* p, size_t capacity) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (bytes_ + capacity <= limit_) {
        blocks_.push_back(Block{capacity, p});
        bytes_ += capacity;
        return;
      }
    }
    UnmapLarge(p, capacity);
  }

  size_t bytes() {
    std::lock_guard<std::mutex> lock(mu_);
    return bytes_;
  }

 private:
  struct Block {
    size_t capacity;
    void* p;
  };

  explicit LargeBlockCache(size_t limit) : limit_(limit) {}

  const size_t limit_;
  std::mutex mu_;
  std::list<Block> blocks_;  // in the order they were given, the oldest first
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
  // aligned_alloc wants a multiple of the alignment. Whether a block is large is decided on its
  // capacity, as Release decides it: a block just under kLarge whose capacity rounded up to
  // kLarge would otherwise be released into the cache without having been counted out of it.
  size_t capacity = RoundUp(size, kAlignment);
  void* p = nullptr;
  if (capacity >= kLarge) {
    capacity = RoundUp(size, kHugePage);
    p = LargeBlockCache::Get().Take(capacity, &capacity);
    if (p == nullptr) p = MapLarge(capacity);
  } else {
    p = std::aligned_alloc(kAlignment, capacity);
  }
  if (p == nullptr) throw std::bad_alloc();
  data_ = std::unique_ptr<uint8_t[], Release>(static_cast<uint8_t*>(p), Release{capacity});
}

size_t BufferCacheBytes() { return LargeBlockCache::Get().bytes(); }

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
