// libFuzzer target for the frame decoders: the first code that reads bytes from a peer.
//
// Every input goes through all three decoders (DecodeHeader on its first 24 bytes, DecodeAbort
// and DecodeHello on all of it). Beyond "no crash, no sanitizer report", each value that decodes
// must survive a round trip: encoding it again gives bytes that decode to the same value.
//
// `./scripts/test` runs this for a few seconds. A longer campaign, from the repository root:
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
//       -DCMAKE_CXX_COMPILER=clang++ -DARCA_FUZZ=ON
//   cmake --build build-fuzz --target arca_fuzzers
//   mkdir -p build-fuzz/corpus/arca_net_frame_fuzz build-fuzz/artifacts
//   build-fuzz/bin/arca_net_frame_fuzz build-fuzz/corpus/arca_net_frame_fuzz \
//       -artifact_prefix=build-fuzz/artifacts/ -max_total_time=3600 -fork=2
//
// The corpus directory keeps growing across runs (`./scripts/test` uses the same one). A crash
// is saved as build-fuzz/artifacts/crash-<sha1>; replay it with
// `build-fuzz/bin/arca_net_frame_fuzz build-fuzz/artifacts/crash-<sha1>`.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "arca/base/buffer.h"
#include "arca/net/frame.h"

namespace arca::net {
namespace {

// A broken property is a bug; abort so that libFuzzer saves the input.
void Require(bool holds, const char* property) {
  if (!holds) {
    std::fputs("frame_fuzz: property violated: ", stderr);
    std::fputs(property, stderr);
    std::fputs("\n", stderr);
    std::abort();
  }
}

void FuzzHeader(std::span<const uint8_t> bytes) {
  if (bytes.size() < kFrameHeaderBytes) return;
  FrameHeader header{};
  std::copy_n(bytes.begin(), kFrameHeaderBytes, header.begin());
  const Result<DecodedHeader> decoded = DecodeHeader(header);
  if (!decoded.ok()) return;
  const Result<DecodedHeader> again =
      DecodeHeader(EncodeHeader(decoded->kind, decoded->tag, decoded->payload_bytes));
  Require(again.ok(), "a decoded header re-encodes to a valid header");
  Require(again->kind == decoded->kind && again->tag == decoded->tag &&
              again->payload_bytes == decoded->payload_bytes,
          "a header round-trips to the same value");
}

void FuzzAbort(const Buffer& payload) {
  const Result<AbortNotice> decoded = DecodeAbort(payload);
  if (!decoded.ok()) return;
  const Result<AbortNotice> again = DecodeAbort(EncodeAbort(*decoded));
  Require(again.ok(), "a decoded abort notice re-encodes to a valid notice");
  Require(again->origin_party == decoded->origin_party && again->operation == decoded->operation &&
              again->error == decoded->error,
          "an abort notice round-trips to the same value");
}

void FuzzHello(const Buffer& payload) {
  const Result<Hello> decoded = DecodeHello(payload);
  if (!decoded.ok()) return;
  const Result<Hello> again = DecodeHello(EncodeHello(*decoded));
  Require(again.ok(), "a decoded hello re-encodes to a valid hello");
  Require(again->session == decoded->session && again->party == decoded->party &&
              again->parties == decoded->parties,
          "a hello round-trips to the same value");
}

}  // namespace
}  // namespace arca::net

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  const arca::Buffer payload = arca::Buffer::CopyOf(bytes);
  arca::net::FuzzHeader(bytes);
  arca::net::FuzzAbort(payload);
  arca::net::FuzzHello(payload);
  return 0;
}
