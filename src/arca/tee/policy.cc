#include "arca/tee/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace arca::tee {
namespace {

using nlohmann::json;

// One clause of the policy: the name of the check, whether it passed, and its line.
Check Passed(std::string name, std::string detail) {
  return {std::move(name), true, std::move(detail)};
}
Check Failed(std::string name, std::string detail) {
  return {std::move(name), false, std::move(detail)};
}

std::string Short(const Bytes& bytes) {
  const std::string hex = ToHex(bytes);
  return hex.size() > 16 ? hex.substr(0, 16) + "..." : hex;
}

Check CheckMeasurement(const Claims& claims, const PlatformPolicy& rules) {
  if (rules.measurements.contains(ToHex(claims.measurement))) {
    return Passed("measurement", "measurement " + Short(claims.measurement) + " is accepted");
  }
  return Failed("measurement", fmt::format("measurement {} is not among the {} the policy "
                                           "accepts for {}",
                                           ToHex(claims.measurement), rules.measurements.size(),
                                           PlatformName(claims.platform)));
}

Check CheckTcb(const Claims& claims, const PlatformPolicy& rules) {
  for (const auto& [component, minimum] : rules.min_tcb) {
    const auto it = claims.tcb.find(component);
    if (it == claims.tcb.end()) {
      return Failed("tcb", "the evidence has no TCB component '" + component +
                               "' that the policy sets a minimum for");
    }
    if (it->second < minimum) {
      return Failed("tcb", fmt::format("TCB component '{}' is {}, below the policy's minimum {}",
                                       component, it->second, minimum));
    }
  }
  return Passed("tcb", fmt::format("{} TCB minimum(s) met", rules.min_tcb.size()));
}

Check CheckTcbStatus(const Claims& claims, const PlatformPolicy& rules) {
  if (claims.tcb_status.empty()) {
    return Passed("tcb_status", "the platform reports no TCB status; the minimums decide");
  }
  if (rules.tcb_statuses.contains(claims.tcb_status)) {
    return Passed("tcb_status", "TCB status " + claims.tcb_status + " is accepted");
  }
  std::string advisories;
  for (const std::string& id : claims.advisories)
    advisories += (advisories.empty() ? "" : ", ") + id;
  return Failed("tcb_status", "TCB status " + claims.tcb_status + " is not accepted by the policy" +
                                  (advisories.empty() ? "" : " (advisories: " + advisories + ")") +
                                  "; name it in tcb_statuses to accept it");
}

bool SliceEquals(const Bytes& bytes, size_t offset, ByteView expected) {
  if (bytes.size() < offset + expected.size()) return false;
  const ByteView slice = ByteView(bytes).subspan(offset, expected.size());
  return std::ranges::equal(slice, expected);
}

// Key binding and freshness, from report_data and the evidence time.
void CheckBindingAndFreshness(const Claims& claims, const Policy& policy,
                              const PlatformPolicy& rules, const Expectations& expect,
                              std::vector<Check>& checks) {
  bool fresh_by_nonce = false;
  if (expect.report_data) {
    const bool same = claims.report_data == *expect.report_data;
    checks.push_back(same
                         ? Passed("key", "report_data is the expected challenge")
                         : Failed("key", "report_data " + Short(claims.report_data) +
                                             " is not the expected " + Short(*expect.report_data)));
    fresh_by_nonce = same;
  }
  if (expect.key_digest) {
    checks.push_back(SliceEquals(claims.report_data, 0, *expect.key_digest)
                         ? Passed("key", "report_data binds the offered key")
                         : Failed("key",
                                  "report_data does not bind the offered key: the "
                                  "evidence was made for another key"));
  }
  if (expect.nonce) {
    fresh_by_nonce = SliceEquals(claims.report_data, 32, *expect.nonce);
    checks.push_back(fresh_by_nonce ? Passed("fresh", "report_data carries this client's nonce")
                                    : Failed("fresh",
                                             "evidence is not fresh: it does not carry this "
                                             "client's nonce (a replayed or stale report)"));
    return;
  }
  if (fresh_by_nonce) return;
  if (!claims.evidence_time) {
    checks.push_back(Failed("fresh",
                            "evidence freshness cannot be established: it carries no "
                            "time, and no nonce was given to check"));
    return;
  }
  const UnixTime made = *claims.evidence_time;
  if (made > expect.at + policy.clock_skew) {
    checks.push_back(Failed("fresh", "evidence time " + FormatTime(made) +
                                         " is in the future of the verification time " +
                                         FormatTime(expect.at) + " beyond the clock skew"));
  } else if (expect.at - made > rules.max_evidence_age + policy.clock_skew) {
    checks.push_back(Failed(
        "fresh",
        fmt::format("evidence is stale: made at {}, more than the policy's maximum age "
                    "of {} s before the verification time {}",
                    FormatTime(made), rules.max_evidence_age.count(), FormatTime(expect.at))));
  } else {
    checks.push_back(
        Passed("fresh", "evidence made at " + FormatTime(made) + ", within the maximum age"));
  }
}

}  // namespace

Verdict Judge(const Claims& claims, const Policy& policy, const Expectations& expect) {
  Verdict verdict;
  std::vector<Check>& checks = verdict.checks;
  const auto rules = policy.platforms.find(claims.platform);
  if (rules == policy.platforms.end()) {
    checks.push_back(Failed("platform", "the policy does not accept platform " +
                                            std::string(PlatformName(claims.platform))));
  } else {
    checks.push_back(
        Passed("platform", std::string(PlatformName(claims.platform)) + " is accepted"));
    checks.push_back(claims.debug ? Failed("debug",
                                           "the evidence comes from a debug-mode TEE, whose "
                                           "memory the host can read; debug is never accepted")
                                  : Passed("debug", "not in debug mode"));
    checks.push_back(CheckMeasurement(claims, rules->second));
    checks.push_back(CheckTcb(claims, rules->second));
    checks.push_back(CheckTcbStatus(claims, rules->second));
    CheckBindingAndFreshness(claims, policy, rules->second, expect, checks);
  }
  verdict.accepted = true;
  for (const Check& check : checks) {
    if (!check.passed && verdict.accepted) {
      verdict.accepted = false;
      verdict.reason = check.detail;
    }
  }
  return verdict;
}

Bytes ReportData(const crypto::Sha256Digest& key_digest, const crypto::Sha256Digest& nonce) {
  Bytes out(key_digest.begin(), key_digest.end());
  out.insert(out.end(), nonce.begin(), nonce.end());
  return out;
}

namespace {

Status FieldError(const std::string& field, const std::string& what) {
  return InvalidArgumentError("policy field '" + field + "': " + what);
}

Result<PlatformPolicy> ParsePlatformPolicy(const json& node, const std::string& where,
                                           const std::string& base_dir) {
  if (!node.is_object()) return FieldError(where, "must be an object");
  static const std::set<std::string> kKnown = {"measurements", "min_tcb", "tcb_statuses",
                                               "max_evidence_age_s", "trust_anchors"};
  for (const auto& [key, value] : node.items()) {
    if (!kKnown.contains(key)) return FieldError(fmt::format("{}.{}", where, key), "unknown field");
  }
  PlatformPolicy rules;
  const json measurements = node.value("measurements", json::array());
  if (!measurements.is_array() || measurements.empty()) {
    return FieldError(where + ".measurements", "must list at least one accepted measurement (hex)");
  }
  for (const json& m : measurements) {
    if (!m.is_string()) return FieldError(where + ".measurements", "entries must be hex strings");
    Result<Bytes> bytes = FromHex(m.get<std::string>());
    if (!bytes.ok() || bytes->empty()) {
      return FieldError(where + ".measurements", "'" + m.get<std::string>() + "' is not hex");
    }
    rules.measurements.insert(ToHex(*bytes));
  }
  const json min_tcb = node.value("min_tcb", json::object());
  if (!min_tcb.is_object()) return FieldError(where + ".min_tcb", "must be an object");
  for (const auto& [component, value] : min_tcb.items()) {
    if (!value.is_number_unsigned()) {
      return FieldError(fmt::format("{}.min_tcb.{}", where, component),
                        "must be a non-negative integer");
    }
    rules.min_tcb[component] = value.get<uint64_t>();
  }
  if (node.contains("tcb_statuses")) {
    const json& statuses = node["tcb_statuses"];
    if (!statuses.is_array() || statuses.empty()) {
      return FieldError(where + ".tcb_statuses", "must be a non-empty list of status names");
    }
    rules.tcb_statuses.clear();
    for (const json& s : statuses) {
      if (!s.is_string()) return FieldError(where + ".tcb_statuses", "entries must be strings");
      rules.tcb_statuses.insert(s.get<std::string>());
    }
  }
  if (node.contains("max_evidence_age_s")) {
    if (!node["max_evidence_age_s"].is_number_unsigned()) {
      return FieldError(where + ".max_evidence_age_s", "must be a non-negative integer");
    }
    rules.max_evidence_age = std::chrono::seconds(node["max_evidence_age_s"].get<int64_t>());
  }
  const json anchors = node.value("trust_anchors", json::array());
  if (!anchors.is_array() || anchors.empty()) {
    return FieldError(where + ".trust_anchors",
                      R"(must pin at least one root certificate ({"file", "sha256"}))");
  }
  for (const json& anchor : anchors) {
    const std::string field = where + ".trust_anchors";
    if (!anchor.is_object() || !anchor.contains("file") || !anchor.contains("sha256") ||
        !anchor["file"].is_string() || !anchor["sha256"].is_string()) {
      return FieldError(field, R"(each anchor needs "file" and "sha256" strings)");
    }
    std::string file = anchor["file"].get<std::string>();
    if (!file.empty() && file[0] != '/') file = fmt::format("{}/{}", base_dir, file);
    std::string pinned = anchor["sha256"].get<std::string>();
    std::erase(pinned, ':');
    ARCA_ASSIGN_OR_RETURN(Bytes pem, ReadFileBytes(file));
    Result<std::vector<crypto::Certificate>> certs = crypto::Certificate::AllFromPem(
        std::string_view(reinterpret_cast<const char*>(pem.data()), pem.size()));
    if (!certs.ok()) {
      Result<crypto::Certificate> der = crypto::Certificate::FromDer(pem);
      if (!der.ok()) return FieldError(field, "'" + file + "' holds no certificate");
      certs = std::vector<crypto::Certificate>{*der};
    }
    // The pinned certificate may sit in a bundle (AMD serves ASK and ARK together).
    bool found = false;
    for (const crypto::Certificate& cert : *certs) {
      std::string actual = ToHex(cert.Fingerprint());
      std::string lower = pinned;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (actual == lower) {
        rules.anchors.push_back(cert);
        found = true;
      }
    }
    if (!found) {
      return FieldError(field, fmt::format("no certificate in '{}' has the pinned SHA-256 {}: the "
                                           "file is not the anchor the policy names",
                                           file, pinned));
    }
  }
  return rules;
}

}  // namespace

Result<Policy> Policy::Parse(std::string_view json_text, const std::string& base_dir) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    return InvalidArgumentError(std::string("policy is not valid JSON: ") + e.what());
  }
  if (!root.is_object()) return InvalidArgumentError("policy must be a JSON object");
  for (const auto& [key, value] : root.items()) {
    if (key != "version" && key != "platforms" && key != "clock_skew_s") {
      return FieldError(key, "unknown field (known: version, platforms, clock_skew_s)");
    }
  }
  if (root.value("version", 0) != 1) return FieldError("version", "must be 1");
  Policy policy;
  policy.digest = crypto::Sha256(AsBytes(json_text));
  if (root.contains("clock_skew_s")) {
    if (!root["clock_skew_s"].is_number_unsigned()) {
      return FieldError("clock_skew_s", "must be a non-negative integer");
    }
    policy.clock_skew = std::chrono::seconds(root["clock_skew_s"].get<int64_t>());
  }
  const json platforms = root.value("platforms", json::object());
  if (!platforms.is_object() || platforms.empty()) {
    return FieldError("platforms", "must name at least one platform");
  }
  for (const auto& [name, node] : platforms.items()) {
    Result<Platform> platform = ParsePlatform(name);
    if (!platform.ok()) return FieldError("platforms." + name, platform.status().message());
    ARCA_ASSIGN_OR_RETURN(policy.platforms[*platform],
                          ParsePlatformPolicy(node, "platforms." + name, base_dir));
  }
  return policy;
}

Result<Policy> Policy::Load(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(Bytes text, ReadFileBytes(path));
  const std::string dir = std::filesystem::path(path).parent_path().string();
  Result<Policy> policy =
      Parse(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()),
            dir.empty() ? "." : dir);
  if (!policy.ok()) return policy.status().WithContext(path);
  return policy;
}

}  // namespace arca::tee
