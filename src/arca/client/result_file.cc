#include "arca/client/result_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "arca/client/table_layout_json.h"
#include "arca/crypto/hpke.h"
#include "arca/mpc/result_shares.h"
#include "arca/plan/canonical_json.h"

namespace arca::client {
namespace {

using nlohmann::json;

constexpr std::string_view kMagic = "ARES";
constexpr size_t kPrefix = 4 + 2 + 4;  // magic, version, header length
constexpr size_t kMaxName = 128;

Status Malformed(const std::string& what) { return DataLossError("result file header: " + what); }

bool CleanText(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

Status CheckHeader(const ResultFileHeader& h) {
  if (h.job < 0) return Malformed("'job' must not be negative");
  const std::vector<int> senders = mpc::ResultParties(h.protocol);
  if (std::find(senders.begin(), senders.end(), h.party) == senders.end()) {
    return Malformed(fmt::format("party {} sends no result under {}", h.party,
                                 mpc::ProtocolKindName(h.protocol)));
  }
  if (h.outputs.empty()) return Malformed("no outputs");
  std::set<std::string> names;
  int64_t total = 0;
  for (const ResultOutputInfo& o : h.outputs) {
    if (o.name.empty() || o.name.size() > kMaxName || !CleanText(o.name)) {
      return Malformed("an output name must be 1..128 bytes without control characters");
    }
    if (!names.insert(o.name).second) return Malformed("output '" + o.name + "' appears twice");
    if (o.count < 1 || o.count > kMaxResultElements - total) {
      return Malformed(fmt::format("output '{}': 'count' must be 1..2^28 in all", o.name));
    }
    total += o.count;
    if (o.frac_bits < 0 || o.frac_bits > 62) {
      return Malformed(fmt::format("output '{}': 'frac_bits' must be 0..62", o.name));
    }
    if (o.table && (o.table->Elements() != o.count || !o.labels.empty())) {
      return Malformed(fmt::format("output '{}': its table's layout does not hold {} elements",
                                   o.name, o.count));
    }
    if (!o.labels.empty() && static_cast<int64_t>(o.labels.size()) != o.count) {
      return Malformed(
          fmt::format("output '{}': {} labels for {} values", o.name, o.labels.size(), o.count));
    }
    for (const std::string& label : o.labels) {
      if (label.size() > kMaxName || !CleanText(label)) {
        return Malformed(
            fmt::format("output '{}': a label must be at most 128 bytes without "
                        "control characters",
                        o.name));
      }
    }
  }
  return OkStatus();
}

json HeaderJson(const ResultFileHeader& h) {
  json outputs = json::array();
  for (const ResultOutputInfo& o : h.outputs) {
    json output = {
        {"name", o.name}, {"labels", o.labels}, {"count", o.count}, {"frac_bits", o.frac_bits}};
    if (o.table) output["table"] = TableLayoutToJson(*o.table);
    outputs.push_back(std::move(output));
  }
  return {{"job", h.job},
          {"party", h.party},
          {"protocol", mpc::ProtocolKindName(h.protocol)},
          {"outputs", outputs}};
}

// The value of `key` in `object` as T, which must be there with that type.
template <typename T>
Result<T> Get(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return Malformed(fmt::format("'{}' is missing", key));
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return Malformed(fmt::format("'{}' must be a string", key));
  } else {
    if (!it->is_number_integer()) return Malformed(fmt::format("'{}' must be an integer", key));
  }
  return it->get<T>();
}

Status OnlyKeys(const json& object, std::initializer_list<std::string_view> keys) {
  if (!object.is_object()) return Malformed("expected a JSON object");
  for (const auto& [key, value] : object.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return Malformed("unknown field '" + key + "'");
    }
  }
  return OkStatus();
}

Result<ResultOutputInfo> ParseOutput(const json& node) {
  ARCA_RETURN_IF_ERROR(OnlyKeys(node, {"name", "labels", "count", "frac_bits", "table"}));
  ResultOutputInfo o;
  ARCA_ASSIGN_OR_RETURN(o.name, Get<std::string>(node, "name"));
  ARCA_ASSIGN_OR_RETURN(o.count, Get<int64_t>(node, "count"));
  ARCA_ASSIGN_OR_RETURN(const int64_t frac_bits, Get<int64_t>(node, "frac_bits"));
  o.frac_bits = static_cast<int>(std::clamp<int64_t>(frac_bits, -1, 63));
  const auto labels = node.find("labels");
  if (labels == node.end() || !labels->is_array()) {
    return Malformed("'labels' must be a list of strings");
  }
  if (static_cast<int64_t>(labels->size()) > kMaxResultElements)
    return Malformed("too many labels");
  for (const json& label : *labels) {
    if (!label.is_string()) return Malformed("'labels' must be a list of strings");
    o.labels.push_back(label.get<std::string>());
  }
  if (const auto table = node.find("table"); table != node.end()) {
    ARCA_ASSIGN_OR_RETURN(o.table, TableLayoutFromJson(*table));
  }
  return o;
}

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Result<Bytes> ResultFileHeader::Serialize() const {
  ARCA_RETURN_IF_ERROR(CheckHeader(*this));
  ARCA_ASSIGN_OR_RETURN(const std::string text, plan::CanonicalJson(HeaderJson(*this)));
  if (text.size() > kMaxResultHeader) return Malformed("the header is larger than 16 MiB");
  Bytes out(kMagic.begin(), kMagic.end());
  out.push_back(static_cast<uint8_t>(kResultFileVersion));
  out.push_back(static_cast<uint8_t>(kResultFileVersion >> 8));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(text.size() >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

Result<ResultFileHeader> ResultFileHeader::Parse(ByteView file, size_t* size) {
  if (file.size() < kPrefix) return DataLossError("not a result file: it is too short");
  if (!std::equal(kMagic.begin(), kMagic.end(), file.begin())) {
    return DataLossError("not a result file: the magic is not \"ARES\"");
  }
  const unsigned version = file[4] | unsigned{file[5]} << 8;
  if (version != kResultFileVersion) {
    return DataLossError(fmt::format(
        "result file format version {} is not supported (this reads version 1)", version));
  }
  const size_t length =
      size_t{file[6]} | size_t{file[7]} << 8 | size_t{file[8]} << 16 | size_t{file[9]} << 24;
  if (length > kMaxResultHeader || file.size() - kPrefix < length) {
    return DataLossError("result file is truncated inside its header");
  }
  const std::string text(file.begin() + kPrefix,
                         file.begin() + static_cast<ptrdiff_t>(kPrefix + length));
  Result<json> parsed = plan::ParseStrictJson(text);
  if (!parsed.ok()) return Malformed(parsed.status().message());
  const json& root = *parsed;
  ARCA_RETURN_IF_ERROR(OnlyKeys(root, {"job", "party", "protocol", "outputs"}));
  ResultFileHeader h;
  ARCA_ASSIGN_OR_RETURN(h.job, Get<int64_t>(root, "job"));
  ARCA_ASSIGN_OR_RETURN(const int64_t party, Get<int64_t>(root, "party"));
  h.party = static_cast<int>(std::clamp<int64_t>(party, -1, 3));
  ARCA_ASSIGN_OR_RETURN(const std::string protocol, Get<std::string>(root, "protocol"));
  Result<mpc::ProtocolKind> kind = mpc::ParseProtocolKind(protocol);
  if (!kind.ok()) return Malformed(kind.status().message());
  h.protocol = *kind;
  const auto outputs = root.find("outputs");
  if (outputs == root.end() || !outputs->is_array()) {
    return Malformed("'outputs' must be a list");
  }
  for (const json& node : *outputs) {
    ARCA_ASSIGN_OR_RETURN(ResultOutputInfo o, ParseOutput(node));
    h.outputs.push_back(std::move(o));
  }
  ARCA_RETURN_IF_ERROR(CheckHeader(h));
  // Only the form Serialize writes is accepted, so that a file has one header text.
  ARCA_ASSIGN_OR_RETURN(const std::string canonical, plan::CanonicalJson(HeaderJson(h)));
  if (canonical != text) return Malformed("the header is not in its canonical form");
  *size = kPrefix + length;
  return h;
}

Result<Bytes> WriteResultFile(const ResultFileHeader& header,
                              const std::vector<mpc::RingTensor>& parts, ByteView consumer_key) {
  ARCA_ASSIGN_OR_RETURN(Bytes file, header.Serialize());
  if (parts.size() != header.outputs.size()) {
    return InvalidArgumentError(
        fmt::format("result file: {} parts for {} outputs", parts.size(), header.outputs.size()));
  }
  ARCA_ASSIGN_OR_RETURN(crypto::hpke::StreamSealer sealer,
                        crypto::hpke::StreamSealer::Create(consumer_key, AsBytes(kResultFileInfo),
                                                           file, crypto::hpke::AeadId::kAes128Gcm));
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].numel() != header.outputs[i].count) {
      return InvalidArgumentError(fmt::format("result file: output '{}' has {} elements, not {}",
                                              header.outputs[i].name, parts[i].numel(),
                                              header.outputs[i].count));
    }
    Bytes le(static_cast<size_t>(parts[i].numel()) * 8);
    for (int64_t k = 0; k < parts[i].numel(); ++k) {
      for (int b = 0; b < 8; ++b)
        le[static_cast<size_t>(k) * 8 + b] = static_cast<uint8_t>(parts[i][k] >> (8 * b));
    }
    ARCA_RETURN_IF_ERROR(sealer.Update(le, &file));
  }
  ARCA_RETURN_IF_ERROR(sealer.Finish(&file));
  return file;
}

Result<OpenedResultFile> OpenResultFile(ByteView file, ByteView consumer_private_key) {
  size_t header_size = 0;
  ARCA_ASSIGN_OR_RETURN(ResultFileHeader header, ResultFileHeader::Parse(file, &header_size));
  int64_t elements = 0;
  for (const ResultOutputInfo& o : header.outputs) elements += o.count;
  const ByteView stream = file.subspan(header_size);
  // Checked before allocating: a forged header cannot make the consumer allocate more than
  // the file it was sent.
  if (stream.size() < static_cast<size_t>(elements) * 8) {
    return DataLossError(fmt::format("result file of party {} is truncated", header.party));
  }
  Result<Bytes> body = crypto::hpke::OpenStream(consumer_private_key, AsBytes(kResultFileInfo),
                                                file.first(header_size), stream);
  if (!body.ok()) {
    return body.status().WithContext(
        fmt::format("result file of job {} from party {}", header.job, header.party));
  }
  if (body->size() != static_cast<size_t>(elements) * 8) {
    return DataLossError(fmt::format(
        "result file of party {}: the body does not match the header's outputs", header.party));
  }
  OpenedResultFile out;
  size_t at = 0;
  for (const ResultOutputInfo& o : header.outputs) {
    mpc::RingTensor part(mpc::Shape{o.count});
    for (int64_t k = 0; k < o.count; ++k, at += 8) {
      uint64_t v = 0;
      for (int b = 7; b >= 0; --b) v = (v << 8) | (*body)[at + static_cast<size_t>(b)];
      part.data()[k] = v;
    }
    out.parts.push_back(std::move(part));
  }
  out.header = std::move(header);
  return out;
}

Result<std::vector<NamedOutput>> CombineResultFiles(const std::vector<Bytes>& files,
                                                    ByteView consumer_private_key) {
  if (files.empty()) return InvalidArgumentError("no result files to combine");
  std::vector<OpenedResultFile> opened;
  for (const Bytes& file : files) {
    ARCA_ASSIGN_OR_RETURN(OpenedResultFile o, OpenResultFile(file, consumer_private_key));
    opened.push_back(std::move(o));
  }
  const ResultFileHeader& first = opened[0].header;
  for (const OpenedResultFile& o : opened) {
    const ResultFileHeader& h = o.header;
    if (h.job != first.job || h.protocol != first.protocol) {
      return InvalidArgumentError(fmt::format(
          "result files do not belong together: job {} ({}) and job {} ({})", first.job,
          mpc::ProtocolKindName(first.protocol), h.job, mpc::ProtocolKindName(h.protocol)));
    }
    if (h.outputs != first.outputs) {
      return InvalidArgumentError(
          fmt::format("result files of job {} declare different outputs (parties {} and {})",
                      first.job, first.party, h.party));
    }
  }
  const std::vector<int> senders = mpc::ResultParties(first.protocol);
  std::sort(opened.begin(), opened.end(),
            [](const auto& a, const auto& b) { return a.header.party < b.header.party; });
  std::vector<int> parties(opened.size());
  std::transform(opened.begin(), opened.end(), parties.begin(),
                 [](const OpenedResultFile& o) { return o.header.party; });
  if (parties != senders) {
    return InvalidArgumentError(fmt::format(
        "job {} ({}) needs one result file from each of parties {}; got parties {}", first.job,
        mpc::ProtocolKindName(first.protocol), fmt::join(senders, ", "), fmt::join(parties, ", ")));
  }
  std::vector<NamedOutput> outputs;
  for (size_t i = 0; i < first.outputs.size(); ++i) {
    const ResultOutputInfo& info = first.outputs[i];
    std::vector<mpc::RingTensor> parts;
    parts.reserve(opened.size());
    for (OpenedResultFile& o : opened) parts.push_back(std::move(o.parts[i]));
    ARCA_ASSIGN_OR_RETURN(const mpc::RingTensor value, mpc::Combine(first.protocol, parts));
    NamedOutput out;
    out.name = info.name;
    if (info.table) {
      ARCA_ASSIGN_OR_RETURN(out.table, frame::Unflatten(*info.table, value));
      outputs.push_back(std::move(out));
      continue;
    }
    out.labels = info.labels;
    const double scale = std::ldexp(1.0, -info.frac_bits);
    for (int64_t k = 0; k < value.numel(); ++k) {
      if (info.labels.empty()) out.labels.push_back(std::to_string(k));
      out.values.push_back(static_cast<double>(value.signed_at(k)) * scale);
    }
    outputs.push_back(std::move(out));
  }
  return outputs;
}

// A released table's valid rows as "name,column[row],value" lines, then its notices.
std::string TableCsvLines(const std::string& name, const frame::PlainTable& table) {
  std::string csv;
  for (int64_t r = 0; r < table.rows(); ++r) {
    if (!table.valid[static_cast<size_t>(r)]) continue;
    for (const frame::PlainColumn& column : table.columns) {
      const auto row = static_cast<size_t>(r);
      std::string value;
      if (column.present.empty() || column.present[row]) {
        value = column.spec.type == frame::ColumnType::kCategorical
                    ? column.spec.categories.at(static_cast<size_t>(column.values[row]))
                    : fmt::format("{}", column.values[row]);
      }
      csv += fmt::format("{},{},{}\r\n", CsvField(name),
                         CsvField(fmt::format("{}[{}]", column.spec.name, r)), CsvField(value));
    }
  }
  for (const auto& [what, count] : table.notices) {
    csv += fmt::format("{},{},{}\r\n", CsvField(name), CsvField("notice:" + what), count);
  }
  return csv;
}

std::string ResultCsv(const std::vector<NamedOutput>& outputs) {
  std::string csv = "name,label,value\r\n";
  for (const NamedOutput& o : outputs) {
    if (o.table) {
      csv += TableCsvLines(o.name, *o.table);
      continue;
    }
    for (size_t k = 0; k < o.values.size(); ++k) {
      csv += fmt::format("{},{},{}\r\n", CsvField(o.name), CsvField(o.labels[k]), o.values[k]);
    }
  }
  return csv;
}

}  // namespace arca::client
