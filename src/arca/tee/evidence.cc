#include "arca/tee/evidence.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "arca/tee/sim_tee.h"

namespace arca::tee {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "arca-evidence-v1";
constexpr size_t kSevSnpReportBytes = 1184;

std::string_view AsText(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool IsTextOf(ByteView bytes, bool (*allowed)(char)) {
  return !bytes.empty() && std::all_of(bytes.begin(), bytes.end(), [&](uint8_t b) {
    const char c = static_cast<char>(b);
    return allowed(c) || c == '\n' || c == '\r' || c == ' ';
  });
}

bool IsHexDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool IsBase64Char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '=';
}

uint16_t U16(ByteView b, size_t at) { return static_cast<uint16_t>(b[at] | b[at + 1] << 8); }
uint32_t U32(ByteView b, size_t at) {
  return static_cast<uint32_t>(b[at]) | static_cast<uint32_t>(b[at + 1]) << 8 |
         static_cast<uint32_t>(b[at + 2]) << 16 | static_cast<uint32_t>(b[at + 3]) << 24;
}

// Recognises binary evidence by its leading bytes and size.
Result<Platform> Recognise(ByteView bytes) {
  if (bytes.size() == kSimReportSize && std::memcmp(bytes.data(), "ARCA-SIM", 8) == 0) {
    return Platform::kSim;
  }
  if (bytes.size() == kSevSnpReportBytes) {
    const uint32_t version = U32(bytes, 0);
    if (version >= 2 && version <= 5) return Platform::kSevSnp;
  }
  // DCAP quotes: version 3..5, attestation key type 2 (ECDSA P-256), then the TEE type.
  if (bytes.size() >= 48 && U16(bytes, 0) >= 3 && U16(bytes, 0) <= 5 && U16(bytes, 2) == 2) {
    const uint32_t tee_type = U32(bytes, 4);
    if (tee_type == 0x81) return Platform::kTdx;
    if (tee_type == 0) return Platform::kSgx;
  }
  // COSE_Sign1: an array of four (0x84), possibly behind tag 18 (0xd2).
  if (!bytes.empty() && (bytes[0] == 0x84 || bytes[0] == 0xd2)) return Platform::kNitro;
  return InvalidArgumentError(
      "cannot tell which TEE produced this evidence: expected an Arca evidence bundle (JSON), "
      "an SEV-SNP report, a TDX/SGX DCAP quote, a Nitro attestation document or a SIMULATED "
      "report");
}

Result<Bytes> Base64Field(const json& node, const std::string& field) {
  if (!node.is_string())
    return InvalidArgumentError("evidence field '" + field + "' must be base64");
  Result<Bytes> bytes = FromBase64(node.get<std::string>());
  if (!bytes.ok()) return bytes.status().WithContext("evidence field '" + field + "'");
  return bytes;
}

Result<std::vector<Bytes>> Base64List(const json& root, const char* field) {
  std::vector<Bytes> out;
  if (!root.contains(field)) return out;
  if (!root[field].is_array()) {
    return InvalidArgumentError(std::string("evidence field '") + field + "' must be a list");
  }
  for (const json& item : root[field]) {
    ARCA_ASSIGN_OR_RETURN(out.emplace_back(), Base64Field(item, field));
  }
  return out;
}

Result<std::optional<std::string>> OptionalText(const json& root, const char* field) {
  if (!root.contains(field)) return std::optional<std::string>();
  if (!root[field].is_string()) {
    return InvalidArgumentError(std::string("evidence field '") + field + "' must be a string");
  }
  return std::optional<std::string>(root[field].get<std::string>());
}

Result<Evidence> ParseBundle(std::string_view text) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    return InvalidArgumentError(std::string("evidence bundle is not valid JSON: ") + e.what());
  }
  if (!root.is_object() || root.value("format", "") != kFormat) {
    return InvalidArgumentError(
        fmt::format(R"(evidence bundle must be an object with "format": "{}")", kFormat));
  }
  if (!root.contains("platform") || !root["platform"].is_string() || !root.contains("report")) {
    return InvalidArgumentError(R"(evidence bundle needs "platform" and "report")");
  }
  Evidence evidence;
  ARCA_ASSIGN_OR_RETURN(evidence.platform, ParsePlatform(root["platform"].get<std::string>()));
  ARCA_ASSIGN_OR_RETURN(evidence.report, Base64Field(root["report"], "report"));
  ARCA_ASSIGN_OR_RETURN(evidence.certificates, Base64List(root, "certificates"));
  ARCA_ASSIGN_OR_RETURN(evidence.crls, Base64List(root, "crls"));
  ARCA_ASSIGN_OR_RETURN(evidence.tcb_info, OptionalText(root, "tcb_info"));
  ARCA_ASSIGN_OR_RETURN(evidence.qe_identity, OptionalText(root, "qe_identity"));
  return evidence;
}

}  // namespace

std::string Evidence::ToJson() const {
  json root;
  root["format"] = kFormat;
  root["platform"] = PlatformName(platform);
  root["report"] = ToBase64(report);
  if (!certificates.empty()) {
    for (const Bytes& der : certificates) root["certificates"].push_back(ToBase64(der));
  }
  if (!crls.empty()) {
    for (const Bytes& der : crls) root["crls"].push_back(ToBase64(der));
  }
  if (tcb_info) root["tcb_info"] = *tcb_info;
  if (qe_identity) root["qe_identity"] = *qe_identity;
  return root.dump(2);
}

Result<Evidence> ParseEvidence(ByteView bytes) {
  const std::string_view text = AsText(bytes);
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return ParseBundle(text);
  // Text forms first (hex, base64); anything that does not decode is taken as binary.
  Evidence evidence;
  Result<Bytes> decoded = InvalidArgumentError("binary");
  if (IsTextOf(bytes, IsHexDigit)) {
    std::string hex(text);
    std::erase_if(hex, [](char c) { return !IsHexDigit(c); });
    decoded = FromHex(hex);
  } else if (IsTextOf(bytes, IsBase64Char)) {
    decoded = FromBase64(text);
  }
  if (decoded.ok()) {
    evidence.report = *std::move(decoded);
  } else {
    evidence.report.assign(bytes.begin(), bytes.end());
  }
  ARCA_ASSIGN_OR_RETURN(evidence.platform, Recognise(evidence.report));
  return evidence;
}

Status AddBundleCollateral(const Evidence& evidence, Collateral& collateral) {
  for (const Bytes& der : evidence.certificates) {
    Result<crypto::Certificate> cert = crypto::Certificate::FromDer(der);
    if (!cert.ok()) return cert.status().WithContext("a certificate in the evidence bundle");
    collateral.intermediates.push_back(*cert);
  }
  for (const Bytes& der : evidence.crls) {
    Result<crypto::Crl> crl = crypto::Crl::Parse(der);
    if (!crl.ok()) return crl.status().WithContext("a CRL in the evidence bundle");
    collateral.crls.push_back(*crl);
  }
  if (evidence.tcb_info && !collateral.tcb_info) collateral.tcb_info = evidence.tcb_info;
  if (evidence.qe_identity && !collateral.qe_identity) {
    collateral.qe_identity = evidence.qe_identity;
  }
  return OkStatus();
}

Result<Claims> VerifyEvidence(Platform platform, const VerifyInputs& in) {
  switch (platform) {
    case Platform::kSim:
      return VerifySim(in);
    case Platform::kSevSnp:
      return VerifySevSnp(in);
    case Platform::kTdx:
      return VerifyTdx(in);
    case Platform::kSgx:
      return VerifySgx(in);
    case Platform::kNitro:
      return VerifyNitro(in);
  }
  return InternalError("unknown platform");
}

}  // namespace arca::tee
