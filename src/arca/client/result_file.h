// Result files: what each node sends the consumer, and how the consumer opens them
// (DESIGN.md, "Data flow" step 5; docs/NODE.md, "Result files").
//
//   file = "ARES" || u16 version (1) || u32 n || header (n bytes of JSON) || HPKE stream
//
// integers little-endian. The header travels in clear, and is the stream's aad byte for byte
// from the magic on, so it cannot be changed:
//
//   {"job": 12, "party": 0, "protocol": "dealer2pc",
//    "outputs": [{"name": "mean_age", "labels": ["mean"], "count": 1, "frac_bits": 18}, ...]}
//
// `labels` is empty or has `count` entries (a prediction per row has none: rows are numbered).
// The stream (crypto/hpke.h, info "arca result file v1") is sealed to the consumer's X25519
// result key and holds, for each output in order, the party's part (mpc/result_shares.h) as
// `count` u64 little-endian ring elements. A value is the combined element read as a signed
// integer over 2^frac_bits.
#ifndef ARCA_CLIENT_RESULT_FILE_H_
#define ARCA_CLIENT_RESULT_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/frame/plain_table.h"
#include "arca/frame/released_table.h"
#include "arca/mpc/ring_tensor.h"
#include "arca/mpc/runner.h"

namespace arca::client {

inline constexpr std::string_view kResultFileInfo = "arca result file v1";
inline constexpr uint16_t kResultFileVersion = 1;
inline constexpr size_t kMaxResultHeader = size_t{16} << 20;
inline constexpr int64_t kMaxResultElements = int64_t{1} << 28;

struct ResultOutputInfo {
  std::string name;
  std::vector<std::string> labels;
  int64_t count = 0;
  int frac_bits = 0;
  // A released table: how its `count` elements read back (table_layout_json.h); labels empty.
  std::optional<frame::TableLayout> table;

  friend bool operator==(const ResultOutputInfo&, const ResultOutputInfo&) = default;
};

struct ResultFileHeader {
  int64_t job = 0;
  int party = 0;
  mpc::ProtocolKind protocol = mpc::ProtocolKind::kDealer2pc;
  std::vector<ResultOutputInfo> outputs;

  // The header bytes: magic, version, length and the JSON (keys sorted, no whitespace).
  Result<Bytes> Serialize() const;
  // The header at the start of `file`; `*size` receives its length. Every field is checked
  // (output names 1..128 bytes and distinct, counts at least 1 and at most
  // kMaxResultElements in all, frac_bits 0..62, labels empty or one per element, the party
  // one that sends results under the protocol); anything else is a DataLoss error.
  static Result<ResultFileHeader> Parse(ByteView file, size_t* size);
};

// The node's file: `parts[i]` is its part of output i (header.outputs[i].count elements),
// sealed to `consumer_key` (X25519 public).
Result<Bytes> WriteResultFile(const ResultFileHeader& header,
                              const std::vector<mpc::RingTensor>& parts, ByteView consumer_key);

struct OpenedResultFile {
  ResultFileHeader header;
  std::vector<mpc::RingTensor> parts;
};

// Parses and decrypts one file with the consumer's private key. A file that does not
// authenticate (tampered, cut, sealed to another key, its header changed) is a DataLoss error.
Result<OpenedResultFile> OpenResultFile(ByteView file, ByteView consumer_private_key);

struct NamedOutput {
  std::string name;
  std::vector<std::string> labels;  // one per value; "0", "1", ... where the file had none
  std::vector<double> values;
  std::optional<frame::PlainTable> table;  // a released table instead of labelled values
};

// Opens every node's file, checks that they are the parts of one result (same job, protocol
// and outputs, each sending party exactly once), and combines them.
Result<std::vector<NamedOutput>> CombineResultFiles(const std::vector<Bytes>& files,
                                                    ByteView consumer_private_key);

// "name,label,value" and one row per value (RFC 4180 quoting where needed; values in the
// shortest form that reads back as the same double). A table's valid rows are written one
// value per cell, labelled "column[row]" (a category as its name, a null as an empty value),
// then its notices as "notice:<what>".
std::string ResultCsv(const std::vector<NamedOutput>& outputs);

}  // namespace arca::client

#endif  // ARCA_CLIENT_RESULT_FILE_H_
