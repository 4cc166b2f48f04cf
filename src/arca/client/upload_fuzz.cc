// libFuzzer target: what a node reads of a share file that any uploader (or the untrusted
// coordinator) may have forged — the header in clear, and, after decryption, the body.
//
// The first input byte picks what the rest is:
//  0: a share file header, then a body: a header that parses must serialise back to the
//     bytes it was read from, and the body is parsed against it (sizes from a forged header
//     must never make the parser allocate more than its input);
//  1: a whole share file opened with a fixed node key, expecting whatever its header says
//     (so the fuzzer reaches the decryption and the streaming body reader);
//  2: a table made from the input, uploaded to that key and opened again: the node must get
//     back exactly the parts of the plaintext protocol (the value itself).
//
//   cmake --build build-fuzz --target arca_client_upload_fuzz
//   build-fuzz/bin/arca_client_upload_fuzz -max_total_time=600
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "arca/client/upload.h"
#include "arca/crypto/hpke.h"

namespace arca::client {
namespace {

namespace hpke = crypto::hpke;

void Require(bool holds, const char* property) {
  if (!holds) {
    std::fprintf(stderr, "upload_fuzz: property violated: %s\n", property);
    std::abort();
  }
}

const hpke::KeyPair& NodeKey() {
  static const hpke::KeyPair pair = hpke::DeriveKeyPair(Bytes(32, 0x5a)).value();
  return pair;
}

const DatasetSchema& Schema() {
  static const DatasetSchema schema =
      DatasetSchema::Parse(R"({"columns": [{"name": "v", "type": "integer"}]})").value();
  return schema;
}

ExpectedShareFile ExpectedFrom(const ShareFileHeader& header) {
  return {header.dataset, header.version, header.protocol, header.node, header.schema_hash};
}

void ParseHeaderAndBody(ByteView input) {
  size_t size = 0;
  const Result<ShareFileHeader> header = ShareFileHeader::Parse(input, &size);
  if (!header.ok()) return;
  const Bytes again = header->Serialize();
  Require(again.size() == size && std::equal(again.begin(), again.end(), input.begin()),
          "a parsed header serialises to the bytes it was read from");
  const Result<std::vector<mpc::Shared>> columns = ParseShareBody(*header, input.subspan(size));
  if (!columns.ok()) return;
  Require(static_cast<int64_t>(columns->size()) == header->columns, "one Shared per column");
}

void OpenFile(ByteView input) {
  size_t size = 0;
  const Result<ShareFileHeader> header = ShareFileHeader::Parse(input, &size);
  if (!header.ok()) return;
  static_cast<void>(OpenShareFile(input, NodeKey().private_key, ExpectedFrom(*header)));
}

void RoundTrip(ByteView input) {
  const size_t rows = input.size() / 8;
  if (rows == 0) return;
  EncodedTable table;
  table.rows = static_cast<int64_t>(rows);
  mpc::RingTensor column(mpc::Shape{table.rows});
  std::memcpy(column.data(), input.data(), rows * 8);
  table.columns.push_back(column);
  const UploadSpec spec = {"fuzz", 1, mpc::ProtocolKind::kPlaintext, 18, {NodeKey().public_key}};
  Bytes file;
  Require(WriteShareFiles(spec, Schema(), table,
                          [&](int, ByteView bytes) {
                            file.insert(file.end(), bytes.begin(), bytes.end());
                            return OkStatus();
                          })
              .ok(),
          "a valid table uploads");
  const Result<NodeShares> opened = OpenShareFile(
      file, NodeKey().private_key, {"fuzz", 1, mpc::ProtocolKind::kPlaintext, 0, Schema().Hash()});
  Require(opened.ok() && opened->columns.size() == 1 && opened->columns[0].part(0) == column,
          "an upload opens to its own values");
}

}  // namespace
}  // namespace arca::client

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const arca::ByteView input(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      arca::client::ParseHeaderAndBody(input);
      break;
    case 1:
      arca::client::OpenFile(input);
      break;
    default:
      arca::client::RoundTrip(input);
      break;
  }
  return 0;
}
