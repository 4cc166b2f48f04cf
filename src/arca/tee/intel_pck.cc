#include "arca/tee/intel_pck.h"

#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <map>
#include <memory>
#include <string>

namespace arca::tee::intel {
namespace {

struct SequenceFree {
  void operator()(ASN1_SEQUENCE_ANY* seq) const { sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free); }
};
using SequencePtr = std::unique_ptr<ASN1_SEQUENCE_ANY, SequenceFree>;

// Decodes one DER SEQUENCE into its elements; the bytes must hold exactly that SEQUENCE.
Result<SequencePtr> DecodeSequence(ByteView der, std::string_view what) {
  const unsigned char* p = der.data();
  // NOLINTNEXTLINE(google-runtime-int): OpenSSL's d2i functions take a long length.
  SequencePtr seq(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!seq || p != der.data() + der.size()) {
    return DataLossError(fmt::format("PCK SGX extension: {} is not a DER SEQUENCE", what));
  }
  return seq;
}

// OpenSSL's ASN1_TYPE is a tagged C union. Every string-like type (SEQUENCE, OCTET STRING,
// INTEGER, ENUMERATED) is an ASN1_STRING in it; callers check the tag with ASN1_TYPE_get first.
const ASN1_STRING* StringOf(const ASN1_TYPE* value) {
  return value->value.asn1_string;  // NOLINT(cppcoreguidelines-pro-type-union-access): see above
}

const ASN1_OBJECT* ObjectOf(const ASN1_TYPE* value) {
  return value->value.object;  // NOLINT(cppcoreguidelines-pro-type-union-access): tag checked
}

ByteView StringBytes(const ASN1_STRING* s) {
  return {ASN1_STRING_get0_data(s), static_cast<size_t>(ASN1_STRING_length(s))};
}

std::string OidText(const ASN1_OBJECT* object) {
  char text[128] = {};
  const int n = OBJ_obj2txt(text, sizeof(text), object, 1);
  return n > 0 && static_cast<size_t>(n) < sizeof(text) ? std::string(text) : std::string("?");
}

// The SEQUENCE { OID, value } pairs of a SEQUENCE, keyed by OID text. Duplicates are refused:
// a second copy of a field would make its meaning ambiguous.
Result<std::map<std::string, const ASN1_TYPE*>> Pairs(const ASN1_SEQUENCE_ANY* seq,
                                                      std::vector<SequencePtr>& keep,
                                                      std::string_view what) {
  std::map<std::string, const ASN1_TYPE*> out;
  for (int i = 0; i < sk_ASN1_TYPE_num(seq); ++i) {
    const ASN1_TYPE* element = sk_ASN1_TYPE_value(seq, i);
    if (ASN1_TYPE_get(element) != V_ASN1_SEQUENCE) {
      return DataLossError(
          fmt::format("PCK SGX extension: {} element {} is not a SEQUENCE", what, i));
    }
    ARCA_ASSIGN_OR_RETURN(SequencePtr pair, DecodeSequence(StringBytes(StringOf(element)), what));
    if (sk_ASN1_TYPE_num(pair.get()) != 2 ||
        ASN1_TYPE_get(sk_ASN1_TYPE_value(pair.get(), 0)) != V_ASN1_OBJECT) {
      return DataLossError(
          fmt::format("PCK SGX extension: {} element {} is not an (OID, value) pair", what, i));
    }
    const std::string oid = OidText(ObjectOf(sk_ASN1_TYPE_value(pair.get(), 0)));
    if (!out.emplace(oid, sk_ASN1_TYPE_value(pair.get(), 1)).second) {
      return DataLossError("PCK SGX extension: field " + oid + " appears twice");
    }
    keep.push_back(std::move(pair));
  }
  return out;
}

Result<const ASN1_TYPE*> Field(const std::map<std::string, const ASN1_TYPE*>& pairs,
                               const std::string& oid, int type, std::string_view name) {
  const auto it = pairs.find(oid);
  if (it == pairs.end()) {
    return DataLossError(fmt::format("PCK SGX extension has no {} ({})", name, oid));
  }
  if (ASN1_TYPE_get(it->second) != type) {
    return DataLossError(
        fmt::format("PCK SGX extension: {} ({}) has the wrong ASN.1 type", name, oid));
  }
  return it->second;
}

template <size_t N>
Result<std::array<uint8_t, N>> OctetsField(const std::map<std::string, const ASN1_TYPE*>& pairs,
                                           const std::string& oid, std::string_view name) {
  ARCA_ASSIGN_OR_RETURN(const ASN1_TYPE* value, Field(pairs, oid, V_ASN1_OCTET_STRING, name));
  const ByteView bytes = StringBytes(StringOf(value));
  if (bytes.size() != N) {
    return DataLossError(fmt::format("PCK SGX extension: {} ({}) has {} bytes, expected {}", name,
                                     oid, bytes.size(), N));
  }
  std::array<uint8_t, N> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Result<int64_t> IntegerField(const std::map<std::string, const ASN1_TYPE*>& pairs,
                             const std::string& oid, std::string_view name, int64_t max) {
  ARCA_ASSIGN_OR_RETURN(const ASN1_TYPE* value, Field(pairs, oid, V_ASN1_INTEGER, name));
  int64_t v = 0;
  if (ASN1_INTEGER_get_int64(&v, StringOf(value)) != 1 || v < 0 || v > max) {
    ERR_clear_error();
    return DataLossError(
        fmt::format("PCK SGX extension: {} ({}) is not an integer in 0..{}", name, oid, max));
  }
  return v;
}

}  // namespace

Result<PckExtensions> ParsePckExtensions(ByteView der) {
  const std::string base = kSgxExtensionOid;
  std::vector<SequencePtr> keep;  // owns the decoded pairs the maps point into
  ARCA_ASSIGN_OR_RETURN(const SequencePtr top, DecodeSequence(der, "the extension"));
  ARCA_ASSIGN_OR_RETURN(const auto fields, Pairs(top.get(), keep, "the extension"));

  PckExtensions out;
  ARCA_ASSIGN_OR_RETURN(const auto ppid, (OctetsField<16>(fields, base + ".1", "PPID")));
  out.ppid.assign(ppid.begin(), ppid.end());

  ARCA_ASSIGN_OR_RETURN(const ASN1_TYPE* tcb, Field(fields, base + ".2", V_ASN1_SEQUENCE, "TCB"));
  ARCA_ASSIGN_OR_RETURN(const SequencePtr tcb_seq,
                        DecodeSequence(StringBytes(StringOf(tcb)), "TCB"));
  ARCA_ASSIGN_OR_RETURN(const auto tcb_fields, Pairs(tcb_seq.get(), keep, "TCB"));
  for (size_t i = 0; i < out.sgx_tcb_components.size(); ++i) {
    const std::string name = fmt::format("SGX TCB component {} SVN", i + 1);
    ARCA_ASSIGN_OR_RETURN(const int64_t svn,
                          IntegerField(tcb_fields, fmt::format("{}.2.{}", base, i + 1), name, 255));
    out.sgx_tcb_components[i] = static_cast<uint8_t>(svn);
  }
  ARCA_ASSIGN_OR_RETURN(const int64_t pce_svn,
                        IntegerField(tcb_fields, base + ".2.17", "PCESVN", 65535));
  out.pce_svn = static_cast<uint16_t>(pce_svn);
  ARCA_ASSIGN_OR_RETURN(out.cpu_svn, (OctetsField<16>(tcb_fields, base + ".2.18", "CPUSVN")));

  ARCA_ASSIGN_OR_RETURN(out.pce_id, (OctetsField<2>(fields, base + ".3", "PCE-ID")));
  ARCA_ASSIGN_OR_RETURN(out.fmspc, (OctetsField<6>(fields, base + ".4", "FMSPC")));
  ARCA_ASSIGN_OR_RETURN(const ASN1_TYPE* type,
                        Field(fields, base + ".5", V_ASN1_ENUMERATED, "SGX type"));
  int64_t sgx_type = 0;
  if (ASN1_ENUMERATED_get_int64(&sgx_type, StringOf(type)) != 1 || sgx_type < 0 || sgx_type > 2) {
    ERR_clear_error();
    return DataLossError("PCK SGX extension: SGX type (" + base + ".5) is not 0, 1 or 2");
  }
  out.sgx_type = static_cast<int>(sgx_type);
  return out;
}

Result<PckExtensions> ReadPckExtensions(const crypto::Certificate& pck) {
  ARCA_ASSIGN_OR_RETURN(const Bytes der, pck.Extension(kSgxExtensionOid));
  Result<PckExtensions> parsed = ParsePckExtensions(der);
  if (!parsed.ok()) return parsed.status().WithContext("certificate '" + pck.CommonName() + "'");
  return parsed;
}

}  // namespace arca::tee::intel
