// The unit that travels on a link: a 24-byte header and a payload.
//
// Header layout (little-endian): magic u32 "ARCA", kind u8, traffic u8, round u16, op u32,
// reserved u32 (zero), payload length u64. Every field is checked on receipt; a peer that sends
// anything else is reported, never trusted.
#ifndef ARCA_NET_FRAME_H_
#define ARCA_NET_FRAME_H_

#include <array>
#include <cstdint>
#include <string>

#include "arca/base/buffer.h"
#include "arca/base/status.h"

namespace arca::net {

// Online traffic is what a party sends while computing on data; preprocessing traffic is
// correlated randomness from a dealer or helper, independent of the data.
enum class Traffic : uint8_t { kOnline = 0, kPreprocessing = 1 };
inline constexpr int kTrafficClasses = 2;

// Which protocol message this is: the op's sequence number in the session and its round. All
// parties run operations in the same order, so a receiver knows the tag it must see next.
struct MessageTag {
  uint32_t op = 0;
  uint16_t round = 0;
  Traffic traffic = Traffic::kOnline;

  friend bool operator==(const MessageTag&, const MessageTag&) = default;
};

enum class FrameKind : uint8_t {
  kData = 1,
  kAbort = 2,  // the sender gives up; payload is an AbortNotice
  kClose = 3,  // the sender ends the session cleanly
  kHello = 4,  // first frame on a new connection; payload is a Hello
};

struct Frame {
  FrameKind kind = FrameKind::kData;
  MessageTag tag;
  Buffer payload;
};

inline constexpr size_t kFrameHeaderBytes = 24;
// Largest payload accepted; kernels send big operations in batches well below this.
inline constexpr uint64_t kMaxPayloadBytes = uint64_t{1} << 30;

using FrameHeader = std::array<uint8_t, kFrameHeaderBytes>;

FrameHeader EncodeHeader(FrameKind kind, const MessageTag& tag, uint64_t payload_bytes);

struct DecodedHeader {
  FrameKind kind = FrameKind::kData;
  MessageTag tag;
  uint64_t payload_bytes = 0;
};
// Checks magic, kind, traffic class, reserved bits and the length limit.
Result<DecodedHeader> DecodeHeader(const FrameHeader& header);

// Why a party aborted: which party started it, in which operation, and the error.
struct AbortNotice {
  int origin_party = -1;
  std::string operation;
  Status error;
};
Buffer EncodeAbort(const AbortNotice& notice);
Result<AbortNotice> DecodeAbort(const Buffer& payload);

// Identifies a party to a peer when a connection opens.
struct Hello {
  uint64_t session = 0;
  int party = -1;
  int parties = 0;
};
Buffer EncodeHello(const Hello& hello);
Result<Hello> DecodeHello(const Buffer& payload);

}  // namespace arca::net

#endif  // ARCA_NET_FRAME_H_
