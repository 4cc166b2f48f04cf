#include "arca/tee/claims.h"

#include <array>
#include <utility>

namespace arca::tee {
namespace {

constexpr std::array<std::pair<Platform, std::string_view>, 5> kPlatformNames = {{
    {Platform::kSim, "sim"},
    {Platform::kSevSnp, "sev-snp"},
    {Platform::kTdx, "tdx"},
    {Platform::kSgx, "sgx"},
    {Platform::kNitro, "nitro"},
}};

Result<Bytes> HexField(const nlohmann::json& json, const char* name) {
  if (!json.contains(name)) return Bytes{};
  if (!json[name].is_string())
    return InvalidArgumentError(std::string("claim '") + name + "' must be a hex string");
  Result<Bytes> bytes = FromHex(json[name].get<std::string>());
  if (!bytes.ok()) return bytes.status().WithContext(std::string("claim '") + name + "'");
  return bytes;
}

}  // namespace

std::string_view PlatformName(Platform platform) {
  for (const auto& [p, name] : kPlatformNames) {
    if (p == platform) return name;
  }
  return "unknown";
}

Result<Platform> ParsePlatform(std::string_view name) {
  for (const auto& [p, known] : kPlatformNames) {
    if (known == name) return p;
  }
  return InvalidArgumentError("unknown TEE platform '" + std::string(name) +
                              "': use sim, sev-snp, tdx, sgx or nitro");
}

nlohmann::json Claims::ToJson() const {
  nlohmann::json json;
  json["platform"] = PlatformName(platform);
  json["product"] = product;
  json["measurement"] = ToHex(measurement);
  json["measurements"] = nlohmann::json::object();
  for (const auto& [name, value] : measurements) json["measurements"][name] = ToHex(value);
  json["tcb"] = nlohmann::json::object();
  for (const auto& [name, value] : tcb) json["tcb"][name] = value;
  json["tcb_status"] = tcb_status;
  json["advisories"] = advisories;
  json["debug"] = debug;
  json["report_data"] = ToHex(report_data);
  if (!public_key.empty()) json["public_key"] = ToHex(public_key);
  if (!nonce.empty()) json["nonce"] = ToHex(nonce);
  json["chip_id"] = ToHex(chip_id);
  json["signer"] = signer;
  if (evidence_time) json["evidence_time"] = FormatTime(*evidence_time);
  return json;
}

Result<Claims> Claims::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) return InvalidArgumentError("claims must be a JSON object");
  Claims claims;
  try {
    ARCA_ASSIGN_OR_RETURN(claims.platform, ParsePlatform(json.at("platform").get<std::string>()));
    claims.product = json.value("product", "");
    ARCA_ASSIGN_OR_RETURN(claims.measurement, HexField(json, "measurement"));
    const nlohmann::json measurements = json.value("measurements", nlohmann::json::object());
    for (const auto& [name, value] : measurements.items()) {
      ARCA_ASSIGN_OR_RETURN(claims.measurements[name], FromHex(value.get<std::string>()));
    }
    const nlohmann::json tcb = json.value("tcb", nlohmann::json::object());
    for (const auto& [name, value] : tcb.items()) claims.tcb[name] = value.get<uint64_t>();
    claims.tcb_status = json.value("tcb_status", "");
    claims.advisories = json.value("advisories", std::vector<std::string>{});
    claims.debug = json.at("debug").get<bool>();
    ARCA_ASSIGN_OR_RETURN(claims.report_data, HexField(json, "report_data"));
    ARCA_ASSIGN_OR_RETURN(claims.public_key, HexField(json, "public_key"));
    ARCA_ASSIGN_OR_RETURN(claims.nonce, HexField(json, "nonce"));
    ARCA_ASSIGN_OR_RETURN(claims.chip_id, HexField(json, "chip_id"));
    claims.signer = json.value("signer", "");
    if (json.contains("evidence_time")) {
      ARCA_ASSIGN_OR_RETURN(claims.evidence_time,
                            ParseTime(json["evidence_time"].get<std::string>()));
    }
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(std::string("malformed claims: ") + e.what());
  }
  return claims;
}

}  // namespace arca::tee
