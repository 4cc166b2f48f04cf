#include "arca/tee/nitro_document.h"

#include <cbor.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace arca::tee {
namespace {

// AWS "Nitro Enclaves attestation process", sections 2.2, 3.1 and 3.2.2.
constexpr uint64_t kCoseSign1Tag = 18;  // RFC 9052 section 2
constexpr uint64_t kAlgLabel = 1;       // RFC 9052 section 3.1
constexpr uint64_t kEs384NegArg = 34;   // -35 is CBOR major type 1 with argument 34
constexpr size_t kSignatureSize = 96;   // ES384: r || s, 48 bytes each (RFC 9053 section 2.1)
constexpr size_t kMaxPayloadSize = 16384;
constexpr size_t kMaxCertificateSize = 1024;
constexpr size_t kMaxPublicKeySize = 1024;
constexpr size_t kMaxUserDataSize = 512;
constexpr size_t kMaxPcrs = 32;
// A valid envelope nests 3 deep (tag, array, header map) and a payload 2 (map, pcrs map); the
// bound leaves room for unprotected-header contents.
constexpr size_t kMaxDepth = 8;

Status Bad(std::string_view what) {
  return DataLossError("Nitro attestation document: " + std::string(what));
}

std::string FieldName(std::string_view field) { return "field '" + std::string(field) + "'"; }

// ---- Well-formedness, before libcbor sees the bytes ----
//
// libcbor 0.8's cbor_load allocates whatever an array, map or string header declares before
// reading the contents, so a 9-byte input can ask for terabytes. This walk refuses any length
// that the remaining bytes cannot hold, indefinite lengths (the Nitro hypervisor never writes
// them) and nesting deeper than kMaxDepth, so that cbor_load only sees bounded input.

struct Head {
  uint8_t major = 0;
  uint64_t arg = 0;
};

// The head of the data item at `pos` (RFC 8949 section 3).
Result<Head> ReadHead(ByteView in, size_t& pos) {
  if (pos >= in.size())
    return DataLossError("CBOR item truncated at offset " + std::to_string(pos));
  const uint8_t initial = in[pos++];
  Head head{static_cast<uint8_t>(initial >> 5), initial & 0x1fu};
  const uint8_t info = initial & 0x1f;
  if (info < 24) return head;
  if (info == 31) {
    return DataLossError("indefinite-length CBOR item (not allowed) before offset " +
                         std::to_string(pos));
  }
  if (info > 27)
    return DataLossError("reserved CBOR encoding before offset " + std::to_string(pos));
  const size_t width = size_t{1} << (info - 24);
  if (in.size() - pos < width) {
    return DataLossError("CBOR item truncated at offset " + std::to_string(pos));
  }
  head.arg = 0;
  for (size_t i = 0; i < width; ++i) head.arg = head.arg << 8 | in[pos++];
  return head;
}

// Walks one data item from `pos` and moves `pos` past it. Iterative: `pending` holds, per open
// container or tag, how many items are still to come.
Status CheckItem(ByteView in, size_t& pos) {
  std::vector<uint64_t> pending = {1};
  while (!pending.empty()) {
    if (pending.back() == 0) {
      pending.pop_back();
      continue;
    }
    --pending.back();
    ARCA_ASSIGN_OR_RETURN(const Head head, ReadHead(in, pos));
    const uint64_t left = in.size() - pos;
    uint64_t items = 0;
    switch (head.major) {
      case 2:  // byte string
      case 3:  // text string
        if (head.arg > left) {
          return DataLossError("CBOR string truncated at offset " + std::to_string(pos));
        }
        pos += head.arg;
        break;
      case 4:  // array
      case 5:  // map: two items per entry
        // Every item takes at least one byte.
        if (head.arg > left || (head.major == 5 && head.arg > left / 2)) {
          return DataLossError(
              "CBOR container declares more items than there are bytes at offset " +
              std::to_string(pos));
        }
        items = head.major == 5 ? 2 * head.arg : head.arg;
        break;
      case 6:  // tag: one item follows
        items = 1;
        break;
      default:  // integers, simple values and floats carry everything in the head
        break;
    }
    if (items == 0) continue;
    if (pending.size() > kMaxDepth) {
      return DataLossError("CBOR nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    pending.push_back(items);
  }
  return OkStatus();
}

// ---- libcbor items ----

struct CborDecref {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using CborPtr = std::unique_ptr<cbor_item_t, CborDecref>;

// Checks that `in` is exactly one well-formed data item; `what` names it in errors.
Status CheckWellFormed(ByteView in, std::string_view what) {
  if (in.empty()) return Bad(std::string(what) + " is empty");
  size_t pos = 0;
  const Status shape = CheckItem(in, pos);
  if (!shape.ok()) return Bad(std::string(what) + ": " + shape.message());
  if (pos != in.size()) {
    return Bad(std::string(what) + " has " + std::to_string(in.size() - pos) +
               " bytes after its CBOR item");
  }
  return OkStatus();
}

// Decodes `in`, which CheckWellFormed accepted, with libcbor.
Result<CborPtr> Load(ByteView in, std::string_view what) {
  cbor_load_result result{};
  CborPtr item(cbor_load(in.data(), in.size(), &result));
  if (!item || result.error.code != CBOR_ERR_NONE || result.read != in.size()) {
    return Bad(std::string(what) + " is not valid CBOR (libcbor error " +
               std::to_string(result.error.code) + " at offset " +
               std::to_string(result.error.position) + ")");
  }
  return item;
}

Result<CborPtr> Decode(ByteView in, std::string_view what) {
  ARCA_RETURN_IF_ERROR(CheckWellFormed(in, what));
  return Load(in, what);
}

// The contents of a definite byte string of min..max bytes.
Result<Bytes> ByteString(const cbor_item_t* item, std::string_view name, size_t min, size_t max) {
  if (!cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item)) {
    return Bad(std::string(name) + " is not a byte string");
  }
  const size_t size = cbor_bytestring_length(item);
  if (size < min || size > max) {
    return Bad(std::string(name) + " has " + std::to_string(size) + " bytes; allowed are " +
               std::to_string(min) + ".." + std::to_string(max));
  }
  const uint8_t* data = cbor_bytestring_handle(item);
  if (data == nullptr) return Bytes{};
  return Bytes(data, data + size);
}

Result<std::string> TextString(const cbor_item_t* item, std::string_view name) {
  if (!cbor_isa_string(item) || !cbor_string_is_definite(item)) {
    return Bad(std::string(name) + " is not a text string");
  }
  const uint8_t* data = cbor_string_handle(item);
  if (data == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(data), cbor_string_length(item));
}

// A CBOR integer as decimal text, for messages.
std::string IntegerText(const cbor_item_t* item) {
  const uint64_t arg = cbor_get_int(item);
  if (cbor_isa_uint(item)) return std::to_string(arg);
  if (arg == UINT64_MAX) return "-18446744073709551616";  // -1 - arg does not fit in 64 bits
  std::string text = "-";
  text += std::to_string(arg + 1);
  return text;
}

// ---- The envelope ----

// The protected header must be exactly {1: -35}: ES384 is the only algorithm AWS signs with,
// and accepting any other would let a document choose how it is checked.
Status CheckProtectedHeader(ByteView header) {
  ARCA_ASSIGN_OR_RETURN(const CborPtr map, Decode(header, "protected header"));
  if (!cbor_isa_map(map.get()) || !cbor_map_is_definite(map.get())) {
    return Bad("protected header is not a CBOR map");
  }
  const size_t size = cbor_map_size(map.get());
  const cbor_pair* pairs = cbor_map_handle(map.get());
  for (size_t i = 0; i < size; ++i) {
    if (!cbor_isa_uint(pairs[i].key) || cbor_get_int(pairs[i].key) != kAlgLabel) continue;
    const cbor_item_t* alg = pairs[i].value;
    if (!cbor_isa_uint(alg) && !cbor_isa_negint(alg)) {
      return Bad("protected header algorithm is not an integer; only ES384 (-35) is accepted");
    }
    if (!cbor_isa_negint(alg) || cbor_get_int(alg) != kEs384NegArg) {
      return Bad("protected header algorithm " + IntegerText(alg) +
                 " is not ES384 (-35), the only one accepted");
    }
    if (size != 1) {
      return Bad("protected header has " + std::to_string(size) +
                 " entries; only the algorithm {1: -35} is expected");
    }
    return OkStatus();
  }
  return Bad("protected header names no algorithm; only ES384 (-35) is accepted");
}

// ---- The payload ----

Result<std::map<uint32_t, Bytes>> ParsePcrs(const cbor_item_t* item) {
  if (!cbor_isa_map(item) || !cbor_map_is_definite(item)) return Bad("field 'pcrs' is not a map");
  const size_t size = cbor_map_size(item);
  if (size < 1 || size > kMaxPcrs) {
    return Bad("field 'pcrs' has " + std::to_string(size) + " entries; allowed are 1..32");
  }
  std::map<uint32_t, Bytes> pcrs;
  const cbor_pair* pairs = cbor_map_handle(item);
  for (size_t i = 0; i < size; ++i) {
    const cbor_item_t* key = pairs[i].key;
    if (!cbor_isa_uint(key) && !cbor_isa_negint(key)) {
      return Bad("field 'pcrs' has a key that is not an integer");
    }
    if (cbor_isa_negint(key) || cbor_get_int(key) >= kMaxPcrs) {
      return Bad("field 'pcrs' has index " + IntegerText(key) + "; allowed are 0..31");
    }
    const auto index = static_cast<uint32_t>(cbor_get_int(key));
    const std::string name = "PCR" + std::to_string(index);
    if (pcrs.contains(index)) return Bad("field 'pcrs' lists " + name + " twice");
    ARCA_ASSIGN_OR_RETURN(Bytes value, ByteString(pairs[i].value, name, 0, SIZE_MAX));
    if (value.size() != 32 && value.size() != 48 && value.size() != 64) {
      return Bad(name + " has " + std::to_string(value.size()) + " bytes; allowed are 32, 48, 64");
    }
    pcrs.emplace(index, std::move(value));
  }
  return pcrs;
}

Result<std::vector<Bytes>> ParseCaBundle(const cbor_item_t* item) {
  if (!cbor_isa_array(item) || !cbor_array_is_definite(item)) {
    return Bad("field 'cabundle' is not an array");
  }
  const size_t size = cbor_array_size(item);
  if (size == 0) return Bad("field 'cabundle' is empty; at least the root is expected");
  std::vector<Bytes> bundle;
  cbor_item_t** entries = cbor_array_handle(item);
  for (size_t i = 0; i < size; ++i) {
    ARCA_ASSIGN_OR_RETURN(Bytes der, ByteString(entries[i], "cabundle[" + std::to_string(i) + "]",
                                                1, kMaxCertificateSize));
    bundle.push_back(std::move(der));
  }
  return bundle;
}

// An optional byte-string field: null means absent.
Result<std::optional<Bytes>> OptionalBytes(const cbor_item_t* item, std::string_view field,
                                           size_t min, size_t max) {
  if (cbor_is_null(item)) return std::optional<Bytes>();
  ARCA_ASSIGN_OR_RETURN(Bytes value, ByteString(item, FieldName(field), min, max));
  return std::optional<Bytes>(std::move(value));
}

// Stores one field of the payload map into `doc`.
Status ParseField(std::string_view field, const cbor_item_t* value, NitroDocument& doc) {
  if (field == "module_id") {
    ARCA_ASSIGN_OR_RETURN(doc.module_id, TextString(value, FieldName(field)));
    if (doc.module_id.empty()) return Bad("field 'module_id' is empty");
  } else if (field == "digest") {
    ARCA_ASSIGN_OR_RETURN(const std::string digest, TextString(value, FieldName(field)));
    if (digest != "SHA384") return Bad("field 'digest' is '" + digest + "', not 'SHA384'");
  } else if (field == "timestamp") {
    if (!cbor_isa_uint(value)) return Bad("field 'timestamp' is not an unsigned integer");
    doc.timestamp_ms = cbor_get_int(value);
    if (doc.timestamp_ms == 0) return Bad("field 'timestamp' is 0");
  } else if (field == "pcrs") {
    ARCA_ASSIGN_OR_RETURN(doc.pcrs, ParsePcrs(value));
  } else if (field == "certificate") {
    ARCA_ASSIGN_OR_RETURN(doc.certificate,
                          ByteString(value, FieldName(field), 1, kMaxCertificateSize));
  } else if (field == "cabundle") {
    ARCA_ASSIGN_OR_RETURN(doc.cabundle, ParseCaBundle(value));
  } else if (field == "public_key") {
    ARCA_ASSIGN_OR_RETURN(doc.public_key, OptionalBytes(value, field, 1, kMaxPublicKeySize));
  } else if (field == "user_data") {
    ARCA_ASSIGN_OR_RETURN(doc.user_data, OptionalBytes(value, field, 0, kMaxUserDataSize));
  } else if (field == "nonce") {
    ARCA_ASSIGN_OR_RETURN(doc.nonce, OptionalBytes(value, field, 0, kMaxUserDataSize));
  } else {
    // AWS section 3.2.2.1 lists the allowed fields; anything else is not a Nitro document.
    return Bad("unknown field '" + std::string(field) + "'");
  }
  return OkStatus();
}

Status ParsePayload(ByteView payload, NitroDocument& doc) {
  ARCA_ASSIGN_OR_RETURN(const CborPtr map, Decode(payload, "payload"));
  if (!cbor_isa_map(map.get()) || !cbor_map_is_definite(map.get())) {
    return Bad("payload is not a CBOR map");
  }
  std::set<std::string, std::less<>> seen;
  const size_t size = cbor_map_size(map.get());
  const cbor_pair* pairs = cbor_map_handle(map.get());
  for (size_t i = 0; i < size; ++i) {
    ARCA_ASSIGN_OR_RETURN(const std::string field, TextString(pairs[i].key, "a payload key"));
    if (!seen.insert(field).second) return Bad("field '" + field + "' appears twice");
    ARCA_RETURN_IF_ERROR(ParseField(field, pairs[i].value, doc));
  }
  for (const char* mandatory :
       {"module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle"}) {
    if (!seen.contains(mandatory))
      return Bad("mandatory field '" + std::string(mandatory) + "' is missing");
  }
  return OkStatus();
}

bool IsBase64Text(ByteView bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t c) {
    return std::isalnum(c) != 0 || c == '+' || c == '/' || c == '=' || std::isspace(c) != 0;
  });
}

// The raw COSE bytes: evidence made only of base64 characters is taken as base64 text (a
// binary document starts with 0x84 or 0xd2, never with one of them).
Result<Bytes> RawCose(ByteView evidence) {
  if (evidence.empty()) return Bad("evidence is empty");
  if (evidence.size() > kMaxNitroEvidenceSize) {
    return Bad("evidence has " + std::to_string(evidence.size()) + " bytes; at most " +
               std::to_string(kMaxNitroEvidenceSize) + " are accepted");
  }
  if (!IsBase64Text(evidence)) return Bytes(evidence.begin(), evidence.end());
  const std::string_view text(reinterpret_cast<const char*>(evidence.data()), evidence.size());
  Result<Bytes> decoded = FromBase64(text);
  if (!decoded.ok()) return Bad("evidence looks like base64 text but does not decode");
  return decoded;
}

// The COSE_Sign1 array inside an optional tag 18. libcbor 0.8 refuses the one-byte tags 6..20
// (they were unassigned when it was written), tag 18 among them, so the tag is read here.
Result<ByteView> Untag(ByteView raw) {
  size_t pos = 0;
  const Result<Head> head = ReadHead(raw, pos);
  if (!head.ok()) return Bad("COSE_Sign1: " + head.status().message());
  if (head->major != 6) return raw;
  if (head->arg != kCoseSign1Tag) {
    return Bad("CBOR tag " + std::to_string(head->arg) + " is not COSE_Sign1 (18)");
  }
  return raw.subspan(pos);
}

// Builds a byte-string item; libcbor copies the bytes.
CborPtr BuildBytes(ByteView bytes) {
  static constexpr uint8_t kNothing = 0;
  return CborPtr(cbor_build_bytestring(bytes.empty() ? &kNothing : bytes.data(), bytes.size()));
}

}  // namespace

Result<NitroDocument> ParseNitroDocument(ByteView evidence) {
  ARCA_ASSIGN_OR_RETURN(const Bytes raw, RawCose(evidence));
  ARCA_RETURN_IF_ERROR(CheckWellFormed(raw, "COSE_Sign1"));
  ARCA_ASSIGN_OR_RETURN(const ByteView untagged, Untag(raw));
  ARCA_ASSIGN_OR_RETURN(const CborPtr root, Load(untagged, "COSE_Sign1"));
  const cbor_item_t* sign1 = root.get();
  if (!cbor_isa_array(sign1) || !cbor_array_is_definite(sign1) || cbor_array_size(sign1) != 4) {
    return Bad("not a COSE_Sign1 array [protected, unprotected, payload, signature]");
  }
  cbor_item_t** parts = cbor_array_handle(sign1);

  NitroDocument doc;
  ARCA_ASSIGN_OR_RETURN(doc.protected_header,
                        ByteString(parts[0], "protected header", 0, kMaxNitroEvidenceSize));
  ARCA_RETURN_IF_ERROR(CheckProtectedHeader(doc.protected_header));
  // The unprotected header is not signed, so nothing in it is used.
  if (!cbor_isa_map(parts[1])) return Bad("unprotected header is not a CBOR map");
  ARCA_ASSIGN_OR_RETURN(doc.payload, ByteString(parts[2], "payload", 1, kMaxPayloadSize));
  ARCA_ASSIGN_OR_RETURN(doc.signature,
                        ByteString(parts[3], "signature", kSignatureSize, kSignatureSize));
  ARCA_RETURN_IF_ERROR(ParsePayload(doc.payload, doc));
  return doc;
}

Result<Bytes> NitroToBeSigned(const NitroDocument& doc) {
  const CborPtr array(cbor_new_definite_array(4));
  const CborPtr context(cbor_build_string("Signature1"));
  const CborPtr protected_header = BuildBytes(doc.protected_header);
  const CborPtr external_aad = BuildBytes({});
  const CborPtr payload = BuildBytes(doc.payload);
  // cbor_array_push takes its own reference to each item.
  if (!array || !context || !protected_header || !external_aad || !payload ||
      !cbor_array_push(array.get(), context.get()) ||
      !cbor_array_push(array.get(), protected_header.get()) ||
      !cbor_array_push(array.get(), external_aad.get()) ||
      !cbor_array_push(array.get(), payload.get())) {
    return ResourceExhaustedError("cannot build the COSE Sig_structure: out of memory");
  }
  // Four heads of at most 9 bytes each plus the 10-byte context string.
  Bytes out(doc.protected_header.size() + doc.payload.size() + 64);
  const size_t size = cbor_serialize(array.get(), out.data(), out.size());
  if (size == 0) return InternalError("cannot encode the COSE Sig_structure");
  out.resize(size);
  return out;
}

}  // namespace arca::tee
