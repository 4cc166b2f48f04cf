#include "arca/client/upload.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <utility>

#include "arca/crypto/hpke.h"
#include "arca/mpc/upload_shares.h"

namespace arca::client {
namespace {

namespace hpke = crypto::hpke;

// The body is the ring elements' memory as it is (upload.h says little-endian).
static_assert(std::endian::native == std::endian::little);

constexpr std::string_view kMagic = "ASHF";
// Our writer's chunk size, and the most a node accepts: it bounds a node's memory per chunk.
constexpr size_t kChunkSize = hpke::kDefaultChunkSize;
// How much of the stream a node feeds the opener at a time.
constexpr size_t kPiece = size_t{1} << 20;

void PutLe(Bytes& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

uint64_t GetLe(ByteView in, size_t offset, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= uint64_t{in[offset + static_cast<size_t>(i)]} << (8 * i);
  return value;
}

Result<mpc::ProtocolKind> ProtocolFromCode(uint64_t code) {
  switch (code) {
    case 0:
      return mpc::ProtocolKind::kPlaintext;
    case 1:
      return mpc::ProtocolKind::kDealer2pc;
    case 2:
      return mpc::ProtocolKind::kRep3;
    default:
      return DataLossError(fmt::format("share file: unknown protocol code {}", code));
  }
}

uint8_t ProtocolCode(mpc::ProtocolKind kind) {
  switch (kind) {
    case mpc::ProtocolKind::kPlaintext:
      return 0;
    case mpc::ProtocolKind::kDealer2pc:
      return 1;
    case mpc::ProtocolKind::kRep3:
      return 2;
  }
  return 0xff;
}

// Bytes of the body `header` declares, if they fit in memory sizes.
Result<size_t> BodySize(const ShareFileHeader& header) {
  const auto parts = static_cast<uint64_t>(mpc::PartsHeldBy(header.protocol, header.node));
  const uint64_t per_row = static_cast<uint64_t>(header.columns) * parts * 8;  // < 2^36
  if (static_cast<uint64_t>(header.rows) > std::numeric_limits<size_t>::max() / per_row) {
    return DataLossError(
        fmt::format("share file: {} rows of {} columns is too large", header.rows, header.columns));
  }
  return static_cast<size_t>(header.rows) * static_cast<size_t>(per_row);
}

// Fills the node's parts of every column from body bytes that arrive in pieces.
class BodyReader {
 public:
  // Allocates the whole body: the caller has checked that its input is at least that large.
  explicit BodyReader(const ShareFileHeader& header) : header_(header) {
    const int parts = mpc::PartsHeldBy(header.protocol, header.node);
    for (int64_t i = 0; i < header.columns * parts; ++i) {
      parts_.emplace_back(mpc::Shape{header.rows});
    }
  }

  Status Append(ByteView bytes) {
    while (!bytes.empty()) {
      if (current_ == parts_.size()) {
        return DataLossError("share file: the body is longer than its header declares");
      }
      const std::span<uint64_t> values = parts_[current_].values();
      const size_t room = values.size_bytes() - filled_;
      const size_t n = std::min(room, bytes.size());
      std::memcpy(reinterpret_cast<uint8_t*>(values.data()) + filled_, bytes.data(), n);
      bytes = bytes.subspan(n);
      filled_ += n;
      if (filled_ == values.size_bytes()) {
        ++current_;
        filled_ = 0;
      }
    }
    return OkStatus();
  }

  Result<std::vector<mpc::Shared>> Finish() && {
    if (current_ != parts_.size()) {
      return DataLossError("share file: the body is shorter than its header declares");
    }
    const auto per_column = static_cast<size_t>(mpc::PartsHeldBy(header_.protocol, header_.node));
    std::vector<mpc::Shared> columns;
    for (size_t c = 0; c < static_cast<size_t>(header_.columns); ++c) {
      mpc::Parts parts;
      for (size_t p = 0; p < per_column; ++p)
        parts.push_back(std::move(parts_[c * per_column + p]));
      ARCA_ASSIGN_OR_RETURN(mpc::Shared shared,
                            mpc::ImportUploaded(header_.protocol, header_.node,
                                                mpc::Shape{header_.rows}, std::move(parts)));
      columns.push_back(std::move(shared));
    }
    return columns;
  }

 private:
  const ShareFileHeader& header_;
  std::vector<mpc::RingTensor> parts_;  // column-major: parts of column 0, of column 1, ...
  size_t current_ = 0;                  // the part being filled
  size_t filled_ = 0;                   // bytes of it filled
};

Status CheckExpected(const ShareFileHeader& header, const ExpectedShareFile& expected) {
  if (header.dataset != expected.dataset || header.version != expected.version) {
    return InvalidArgumentError(fmt::format(
        "share file is for dataset '{}' version {}, not '{}' version {}: refusing a file meant "
        "for another upload",
        header.dataset, header.version, expected.dataset, expected.version));
  }
  if (header.node != expected.node) {
    return InvalidArgumentError(fmt::format(
        "share file is for node {}, not this node ({}): refusing a file meant for another node",
        header.node, expected.node));
  }
  if (header.protocol != expected.protocol) {
    return InvalidArgumentError(fmt::format(
        "share file holds {} shares, but the upload is registered for {}",
        mpc::ProtocolKindName(header.protocol), mpc::ProtocolKindName(expected.protocol)));
  }
  if (header.schema_hash != expected.schema_hash) {
    return InvalidArgumentError(
        fmt::format("share file's schema hash {} differs from the registered schema's {}",
                    ToHex(header.schema_hash), ToHex(expected.schema_hash)));
  }
  return OkStatus();
}

}  // namespace

Status CheckDatasetName(std::string_view name) {
  const bool valid_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
  if (name.empty() || name.size() > kMaxDatasetName || !valid_chars) {
    return InvalidArgumentError(
        fmt::format("dataset name {} is not valid: use 1..{} letters, digits, '.', '_' or '-'",
                    QuoteCell(name), kMaxDatasetName));
  }
  return OkStatus();
}

std::vector<int> ShareFileNodes(mpc::ProtocolKind protocol) {
  std::vector<int> nodes;
  for (int party = 0; party < mpc::PartiesOf(protocol); ++party) {
    if (mpc::PartsHeldBy(protocol, party) > 0) nodes.push_back(party);
  }
  return nodes;
}

Bytes ShareFileHeader::Serialize() const {
  Bytes out(kMagic.begin(), kMagic.end());
  PutLe(out, kShareFileVersion, 2);
  PutLe(out, ProtocolCode(protocol), 1);
  PutLe(out, static_cast<uint64_t>(node), 1);
  PutLe(out, static_cast<uint64_t>(frac_bits), 1);
  PutLe(out, version, 8);
  PutLe(out, static_cast<uint64_t>(rows), 8);
  PutLe(out, static_cast<uint64_t>(columns), 4);
  out.insert(out.end(), schema_hash.begin(), schema_hash.end());
  PutLe(out, dataset.size(), 2);
  out.insert(out.end(), dataset.begin(), dataset.end());
  return out;
}

Result<ShareFileHeader> ShareFileHeader::Parse(ByteView file, size_t* size) {
  if (file.size() < kShareFileFixedHeader) {
    return DataLossError(fmt::format("share file: {} bytes is shorter than a header ({} bytes)",
                                     file.size(), kShareFileFixedHeader));
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), file.begin())) {
    return DataLossError("not a share file: the magic is not \"ASHF\"");
  }
  if (const uint64_t version = GetLe(file, 4, 2); version != kShareFileVersion) {
    return DataLossError(
        fmt::format("share file format version {} is not supported (this node reads version {})",
                    version, kShareFileVersion));
  }
  ShareFileHeader header;
  ARCA_ASSIGN_OR_RETURN(header.protocol, ProtocolFromCode(GetLe(file, 6, 1)));
  header.node = static_cast<int>(GetLe(file, 7, 1));
  if (header.node >= mpc::PartiesOf(header.protocol) ||
      mpc::PartsHeldBy(header.protocol, header.node) == 0) {
    return DataLossError(fmt::format("share file: node {} holds no parts under {}", header.node,
                                     mpc::ProtocolKindName(header.protocol)));
  }
  header.frac_bits = static_cast<int>(GetLe(file, 8, 1));
  if (Status s = fxp::CheckFracBits(header.frac_bits); !s.ok()) {
    return DataLossError("share file: " + s.message());
  }
  header.version = GetLe(file, 9, 8);
  const uint64_t rows = GetLe(file, 17, 8);
  header.columns = static_cast<int64_t>(GetLe(file, 25, 4));
  if (rows < 1 || rows > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
      header.columns < 1) {
    return DataLossError(fmt::format("share file: {} rows of {} columns: need at least one of each",
                                     rows, header.columns));
  }
  header.rows = static_cast<int64_t>(rows);
  std::copy_n(file.begin() + 29, header.schema_hash.size(), header.schema_hash.begin());
  const auto name_size = static_cast<size_t>(GetLe(file, 61, 2));
  if (file.size() < kShareFileFixedHeader + name_size) {
    return DataLossError("share file: the header is truncated in the dataset name");
  }
  header.dataset.assign(reinterpret_cast<const char*>(file.data()) + kShareFileFixedHeader,
                        name_size);
  if (Status s = CheckDatasetName(header.dataset); !s.ok()) {
    return DataLossError("share file: " + s.message());
  }
  *size = kShareFileFixedHeader + name_size;
  return header;
}

Status WriteShareFiles(const UploadSpec& spec, const DatasetSchema& schema,
                       const EncodedTable& table, const ShareFileSink& sink) {
  ARCA_RETURN_IF_ERROR(CheckDatasetName(spec.dataset));
  ARCA_RETURN_IF_ERROR(fxp::CheckFracBits(spec.frac_bits));
  const std::vector<int> nodes = ShareFileNodes(spec.protocol);
  if (spec.node_keys.size() != nodes.size()) {
    return InvalidArgumentError(fmt::format("{} needs the keys of {} nodes, got {}",
                                            mpc::ProtocolKindName(spec.protocol), nodes.size(),
                                            spec.node_keys.size()));
  }
  if (table.rows < 1 || table.columns.size() != schema.columns.size()) {
    return InvalidArgumentError(fmt::format(
        "the table has {} rows and {} columns; the schema has {} columns (need at least 1 row)",
        table.rows, table.columns.size(), schema.columns.size()));
  }
  for (const mpc::RingTensor& column : table.columns) {
    if (column.shape() != mpc::Shape{table.rows}) {
      return InvalidArgumentError(
          fmt::format("a column has shape {}, not [{}]", column.shape().ToString(), table.rows));
    }
  }

  std::vector<hpke::StreamSealer> sealers;
  for (size_t i = 0; i < nodes.size(); ++i) {
    ShareFileHeader header;
    header.protocol = spec.protocol;
    header.node = nodes[i];
    header.frac_bits = spec.frac_bits;
    header.version = spec.version;
    header.rows = table.rows;
    header.columns = static_cast<int64_t>(table.columns.size());
    header.schema_hash = schema.Hash();
    header.dataset = spec.dataset;
    const Bytes bytes = header.Serialize();
    Result<hpke::StreamSealer> sealer = hpke::StreamSealer::Create(
        spec.node_keys[i], AsBytes(kShareFileInfo), bytes, hpke::AeadId::kAes128Gcm, kChunkSize);
    if (!sealer.ok()) {
      return sealer.status().WithContext(fmt::format("sealing node {}'s share file", nodes[i]));
    }
    sealers.push_back(*std::move(sealer));
    ARCA_RETURN_IF_ERROR(sink(nodes[i], bytes));
  }
  Bytes out;
  const auto flush = [&](int node) -> Status {
    if (out.empty()) return OkStatus();
    Status status = sink(node, out);
    out.clear();
    return status;
  };
  for (const mpc::RingTensor& column : table.columns) {
    const std::vector<mpc::Parts> parts = mpc::SplitForUpload(spec.protocol, column);
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (const mpc::RingTensor& part : parts[static_cast<size_t>(nodes[i])]) {
        const std::span<const uint64_t> values = part.values();
        ARCA_RETURN_IF_ERROR(sealers[i].Update(
            {reinterpret_cast<const uint8_t*>(values.data()), values.size_bytes()}, &out));
        ARCA_RETURN_IF_ERROR(flush(nodes[i]));
      }
    }
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    ARCA_RETURN_IF_ERROR(sealers[i].Finish(&out));
    ARCA_RETURN_IF_ERROR(flush(nodes[i]));
  }
  return OkStatus();
}

Result<Bytes> WriteOwnShareFile(const ShareFileHeader& header,
                                const std::vector<mpc::Shared>& columns,
                                const crypto::X25519Key& node_key) {
  if (static_cast<int64_t>(columns.size()) != header.columns) {
    return InvalidArgumentError(
        fmt::format("{} columns, the header declares {}", columns.size(), header.columns));
  }
  Bytes file = header.Serialize();
  ARCA_ASSIGN_OR_RETURN(hpke::StreamSealer sealer,
                        hpke::StreamSealer::Create(node_key, AsBytes(kShareFileInfo), file,
                                                   hpke::AeadId::kAes128Gcm, kChunkSize));
  const auto parts = static_cast<size_t>(mpc::PartsHeldBy(header.protocol, header.node));
  for (const mpc::Shared& column : columns) {
    if (column.numel() != header.rows || column.parts().size() != parts) {
      return InvalidArgumentError(fmt::format(
          "a column holds {} elements in {} parts; node {} of {} holds {} parts of {} rows",
          column.numel(), column.parts().size(), header.node,
          mpc::ProtocolKindName(header.protocol), parts, header.rows));
    }
    for (const mpc::RingTensor& part : column.parts()) {
      const std::span<const uint64_t> values = part.values();
      ARCA_RETURN_IF_ERROR(sealer.Update(
          {reinterpret_cast<const uint8_t*>(values.data()), values.size_bytes()}, &file));
    }
  }
  ARCA_RETURN_IF_ERROR(sealer.Finish(&file));
  return file;
}

Result<NodeShares> OpenShareFile(ByteView file, ByteView node_private_key,
                                 const ExpectedShareFile& expected) {
  size_t header_size = 0;
  ARCA_ASSIGN_OR_RETURN(ShareFileHeader header, ShareFileHeader::Parse(file, &header_size));
  ARCA_RETURN_IF_ERROR(CheckExpected(header, expected));
  ARCA_ASSIGN_OR_RETURN(size_t body_size, BodySize(header));
  const ByteView stream = file.subspan(header_size);
  // Checked before allocating the body, so a forged header cannot make a node allocate more
  // than the file it sent.
  if (stream.size() < body_size) {
    return DataLossError(fmt::format(
        "share file is truncated: its header declares {} rows of {} columns ({} bytes of "
        "shares), but only {} bytes follow the header",
        header.rows, header.columns, body_size, stream.size()));
  }
  const std::string what = fmt::format("share file for dataset '{}' version {} at node {}",
                                       header.dataset, header.version, header.node);
  Result<hpke::StreamOpener> opener = hpke::StreamOpener::Create(
      node_private_key, AsBytes(kShareFileInfo), file.first(header_size), kChunkSize);
  if (!opener.ok()) return opener.status().WithContext(what);
  BodyReader body(header);
  Bytes out;
  for (size_t at = 0; at < stream.size(); at += kPiece) {
    const Status status =
        opener->Update(stream.subspan(at, std::min(kPiece, stream.size() - at)), &out);
    if (!status.ok()) return status.WithContext(what);
    ARCA_RETURN_IF_ERROR(body.Append(out));
    out.clear();
  }
  if (Status status = opener->Finish(&out); !status.ok()) return status.WithContext(what);
  ARCA_RETURN_IF_ERROR(body.Append(out));
  ARCA_ASSIGN_OR_RETURN(std::vector<mpc::Shared> columns, std::move(body).Finish());
  return NodeShares{std::move(header), std::move(columns)};
}

Result<std::vector<mpc::Shared>> ParseShareBody(const ShareFileHeader& header, ByteView body) {
  ARCA_ASSIGN_OR_RETURN(size_t body_size, BodySize(header));
  if (body.size() != body_size) {
    return DataLossError(fmt::format("share file: the body has {} bytes, its header declares {}",
                                     body.size(), body_size));
  }
  BodyReader reader(header);
  ARCA_RETURN_IF_ERROR(reader.Append(body));
  return std::move(reader).Finish();
}

}  // namespace arca::client
