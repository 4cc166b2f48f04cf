// Buffer: the byte storage behind tensors and messages.
//
// Aligned for 512-bit vector loads and left uninitialised on allocation: buffers are large and
// every producer overwrites them, so zeroing would only cost time. Moving a Buffer moves the
// storage, which is how a tensor becomes a message (and a message a tensor) without a copy.
//
// Large buffers (4 MB and more) are mapped from the kernel in huge pages (so a freed one that
// leaves the cache gives its memory back at once) and, once freed, are kept in a bounded cache
// for the next buffer of about the same size: fresh memory from the kernel is zeroed page by
// page, which dominated large operations before. A buffer the cache cannot serve frees its
// oldest blocks first, so the cache never raises the process's peak memory above what the
// live buffers needed. $ARCA_BUFFER_CACHE_MB bounds the cache (2048; 0 turns it off).
#ifndef ARCA_BASE_BUFFER_H_
#define ARCA_BASE_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

namespace arca {

class Buffer {
 public:
  static constexpr size_t kAlignment = 64;

  Buffer() = default;
  // `size` uninitialised bytes.
  explicit Buffer(size_t size);
  // A copy of `bytes`.
  static Buffer CopyOf(std::span<const uint8_t> bytes);

  Buffer(const Buffer& other);
  Buffer& operator=(const Buffer& other);
  Buffer(Buffer&& other) noexcept = default;
  Buffer& operator=(Buffer&& other) noexcept = default;
  ~Buffer() = default;

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  std::span<uint8_t> bytes() { return {data(), size_}; }
  std::span<const uint8_t> bytes() const { return {data(), size_}; }

  // The buffer viewed as elements of T; trailing bytes that do not fill a T are not included.
  template <typename T>
  std::span<T> As() {
    return {reinterpret_cast<T*>(data()), size_ / sizeof(T)};
  }
  template <typename T>
  std::span<const T> As() const {
    return {reinterpret_cast<const T*>(data()), size_ / sizeof(T)};
  }

 private:
  // Returns the storage: to the large-block cache or to the allocator (buffer.cc).
  struct Release {
    size_t capacity;  // bytes actually allocated (always set with a non-null pointer)
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t[], Release> data_;
  size_t size_ = 0;
};

// Bytes of freed large buffers the cache holds for reuse.
size_t BufferCacheBytes();

}  // namespace arca

#endif  // ARCA_BASE_BUFFER_H_
