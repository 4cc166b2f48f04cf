#include "arca/net/frame.h"

#include <fmt/format.h>

#include <cstring>

namespace arca::net {
namespace {

constexpr uint32_t kMagic = 0x41435241;  // "ARCA" in little-endian byte order
constexpr size_t kMaxTextBytes = 4096;   // operation names and error messages in aborts

void PutU16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }
void PutU32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
void PutU64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }
uint16_t GetU16(const uint8_t* p) {
  uint16_t v = 0;
  std::memcpy(&v, p, 2);
  return v;
}
uint32_t GetU32(const uint8_t* p) {
  uint32_t v = 0;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t GetU64(const uint8_t* p) {
  uint64_t v = 0;
  std::memcpy(&v, p, 8);
  return v;
}

// A little reader over a payload that reports truncation instead of overrunning.
class Reader {
 public:
  explicit Reader(const Buffer& b) : p_(b.data()), left_(b.size()) {}
  bool U32(uint32_t* v) {
    if (left_ < 4) return false;
    *v = GetU32(p_);
    p_ += 4;
    left_ -= 4;
    return true;
  }
  bool U64(uint64_t* v) {
    if (left_ < 8) return false;
    *v = GetU64(p_);
    p_ += 8;
    left_ -= 8;
    return true;
  }
  bool Text(std::string* s) {
    uint32_t n = 0;
    if (!U32(&n) || n > kMaxTextBytes || n > left_) return false;
    s->assign(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    left_ -= n;
    return true;
  }
  bool AtEnd() const { return left_ == 0; }

 private:
  const uint8_t* p_;
  size_t left_;
};

void AppendU32(std::string* out, uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }
void AppendText(std::string* out, const std::string& s) {
  const std::string clipped = s.substr(0, kMaxTextBytes);
  AppendU32(out, static_cast<uint32_t>(clipped.size()));
  out->append(clipped);
}

Buffer ToBuffer(const std::string& bytes) {
  return Buffer::CopyOf({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

}  // namespace

FrameHeader EncodeHeader(FrameKind kind, const MessageTag& tag, uint64_t payload_bytes) {
  FrameHeader h{};
  PutU32(h.data(), kMagic);
  h[4] = static_cast<uint8_t>(kind);
  h[5] = static_cast<uint8_t>(tag.traffic);
  PutU16(&h[6], tag.round);
  PutU32(&h[8], tag.op);
  PutU32(&h[12], 0);
  PutU64(&h[16], payload_bytes);
  return h;
}

Result<DecodedHeader> DecodeHeader(const FrameHeader& h) {
  if (GetU32(h.data()) != kMagic) {
    return DataLossError("frame does not start with the Arca magic number (not an Arca peer?)");
  }
  const uint8_t kind = h[4];
  if (kind < static_cast<uint8_t>(FrameKind::kData) ||
      kind > static_cast<uint8_t>(FrameKind::kHello)) {
    return DataLossError(fmt::format("unknown frame kind {}", kind));
  }
  if (h[5] >= kTrafficClasses) {
    return DataLossError(fmt::format("unknown traffic class {}", h[5]));
  }
  if (GetU32(&h[12]) != 0) return DataLossError("reserved header bits are set");
  const uint64_t length = GetU64(&h[16]);
  if (length > kMaxPayloadBytes) {
    return DataLossError(fmt::format("frame payload of {} bytes exceeds the limit of {} bytes",
                                     length, kMaxPayloadBytes));
  }
  return DecodedHeader{static_cast<FrameKind>(kind),
                       MessageTag{GetU32(&h[8]), GetU16(&h[6]), static_cast<Traffic>(h[5])},
                       length};
}

Buffer EncodeAbort(const AbortNotice& notice) {
  std::string out;
  AppendU32(&out, static_cast<uint32_t>(notice.origin_party));
  AppendU32(&out, static_cast<uint32_t>(notice.error.code()));
  AppendText(&out, notice.operation);
  AppendText(&out, notice.error.message());
  return ToBuffer(out);
}

Result<AbortNotice> DecodeAbort(const Buffer& payload) {
  Reader r(payload);
  uint32_t party = 0, code = 0;
  AbortNotice notice;
  std::string message;
  if (!r.U32(&party) || !r.U32(&code) || !r.Text(&notice.operation) || !r.Text(&message) ||
      !r.AtEnd() || party > 1024 || code == 0 ||
      code > static_cast<uint32_t>(StatusCode::kInternal)) {
    return DataLossError("malformed abort frame");
  }
  notice.origin_party = static_cast<int>(party);
  notice.error = Status(static_cast<StatusCode>(code), std::move(message));
  return notice;
}

Buffer EncodeHello(const Hello& hello) {
  std::string out;
  out.append(reinterpret_cast<const char*>(&hello.session), 8);
  AppendU32(&out, static_cast<uint32_t>(hello.party));
  AppendU32(&out, static_cast<uint32_t>(hello.parties));
  return ToBuffer(out);
}

Result<Hello> DecodeHello(const Buffer& payload) {
  Reader r(payload);
  Hello hello;
  uint32_t party = 0, parties = 0;
  if (!r.U64(&hello.session) || !r.U32(&party) || !r.U32(&parties) || !r.AtEnd() ||
      parties > 1024 || party >= parties) {
    return DataLossError("malformed hello frame");
  }
  hello.party = static_cast<int>(party);
  hello.parties = static_cast<int>(parties);
  return hello;
}

}  // namespace arca::net
