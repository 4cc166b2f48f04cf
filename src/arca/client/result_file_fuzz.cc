// libFuzzer target: what a consumer reads of a result file that a node (or the untrusted
// coordinator that relays it) may have forged.
//
// The first input byte picks what the rest is:
//  0: a result file header: one that parses must serialise back to the bytes it was read from;
//  1: a whole result file opened with a fixed consumer key (the fuzzer reaches the decryption;
//     sizes from a forged header must never make the reader allocate more than its input);
//  2: parts made from the input, written for that key and opened again: the consumer must get
//     back exactly the parts.
//
//   cmake --build build-fuzz --target arca_client_result_file_fuzz
//   build-fuzz/bin/arca_client_result_file_fuzz -max_total_time=600
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "arca/client/result_file.h"
#include "arca/crypto/hpke.h"

namespace arca::client {
namespace {

namespace hpke = crypto::hpke;

void Require(bool holds, const char* property) {
  if (!holds) {
    std::fprintf(stderr, "result_file_fuzz: property violated: %s\n", property);
    std::abort();
  }
}

const hpke::KeyPair& ConsumerKey() {
  static const hpke::KeyPair pair = hpke::DeriveKeyPair(Bytes(32, 0xc5)).value();
  return pair;
}

void ParseHeader(ByteView input) {
  size_t size = 0;
  const Result<ResultFileHeader> header = ResultFileHeader::Parse(input, &size);
  if (!header.ok()) return;
  const Result<Bytes> again = header->Serialize();
  Require(again.ok() && again->size() == size &&
              std::equal(again->begin(), again->end(), input.begin()),
          "a parsed header serialises to the bytes it was read from");
}

void Open(ByteView input) {
  const Result<OpenedResultFile> file = OpenResultFile(input, ConsumerKey().private_key);
  if (!file.ok()) return;
  Require(file->parts.size() == file->header.outputs.size(), "one part per output");
  for (size_t i = 0; i < file->parts.size(); ++i) {
    Require(file->parts[i].numel() == file->header.outputs[i].count, "parts have their counts");
  }
}

void RoundTrip(ByteView input) {
  if (input.empty()) return;
  const int64_t count = 1 + input[0] % 40;
  mpc::RingTensor part(mpc::Shape{count});
  for (int64_t i = 0; i < count; ++i) {
    uint64_t v = 0;
    for (size_t b = 0; b < 8; ++b) {
      const size_t at = 1 + static_cast<size_t>(i) * 8 + b;
      v = (v << 8) | (at < input.size() ? input[at] : 0);
    }
    part.data()[i] = v;
  }
  const ResultFileHeader header{
      7, 1, mpc::ProtocolKind::kRep3, {{"out", {}, count, input[0] % 63, {}}}};
  const Result<Bytes> file = WriteResultFile(header, {part}, ConsumerKey().public_key);
  Require(file.ok(), "a valid result file can be written");
  const Result<OpenedResultFile> opened = OpenResultFile(*file, ConsumerKey().private_key);
  Require(opened.ok() && opened->parts.size() == 1 && opened->parts[0] == part,
          "a written result file opens to its parts");
}

}  // namespace
}  // namespace arca::client

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const arca::ByteView input(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      arca::client::ParseHeader(input);
      break;
    case 1:
      arca::client::Open(input);
      break;
    default:
      arca::client::RoundTrip(input);
      break;
  }
  return 0;
}
