#include "arca/client/receipt.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "arca/crypto/public_key.h"
#include "arca/mpc/result_shares.h"
#include "arca/plan/canonical_json.h"
#include "arca/tee/attestation.h"

namespace arca::client {
namespace {

using nlohmann::json;

constexpr std::string_view kDomain = "arca receipt v1";

Status Bad(const std::string& what) { return DataLossError(what); }

Status OnlyKeys(const json& object, std::initializer_list<std::string_view> keys,
                std::string_view where) {
  if (!object.is_object()) return Bad(fmt::format("{} must be a JSON object", where));
  for (const auto& [key, value] : object.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return Bad(fmt::format("{} has an unknown field '{}'", where, key));
    }
  }
  for (const std::string_view key : keys) {
    if (!object.contains(key)) return Bad(fmt::format("{} lacks '{}'", where, key));
  }
  return OkStatus();
}

Result<std::string> String(const json& object, const char* key, std::string_view where) {
  const json& v = object.at(key);
  if (!v.is_string()) return Bad(fmt::format("{}: '{}' must be a string", where, key));
  return v.get<std::string>();
}

Result<int64_t> Integer(const json& object, const char* key, std::string_view where) {
  const json& v = object.at(key);
  if (!v.is_number_integer()) return Bad(fmt::format("{}: '{}' must be an integer", where, key));
  return v.get<int64_t>();
}

Result<double> NonNegative(const json& object, const char* key, std::string_view where) {
  const json& v = object.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0) {
    return Bad(fmt::format("{}: '{}' must be a non-negative number", where, key));
  }
  return v.get<double>();
}

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// 32 bytes as 64 lower-case hex digits, or "" where `empty_ok`.
Result<std::string> Digest(const json& object, const char* key, std::string_view where,
                           bool empty_ok) {
  ARCA_ASSIGN_OR_RETURN(std::string text, String(object, key, where));
  if ((text.empty() && empty_ok) || (text.size() == 64 && IsLowerHex(text))) return text;
  return Bad(fmt::format("{}: '{}' must be 64 lower-case hex digits{}", where, key,
                         empty_ok ? " or empty" : ""));
}

Result<Bytes> Key(const json& object, const char* key, std::string_view where) {
  ARCA_ASSIGN_OR_RETURN(const std::string text, Digest(object, key, where, false));
  return FromHex(text);
}

Result<std::string> CanonicalBody(const ReceiptBody& body) {
  return plan::CanonicalJson(body.ToJson());
}

Bytes SignedBytes(std::string_view canonical_body, ByteView evidence) {
  Bytes out(kDomain.begin(), kDomain.end());
  out.push_back(0);
  out.insert(out.end(), canonical_body.begin(), canonical_body.end());
  out.push_back(0);
  const crypto::Sha256Digest digest = crypto::Sha256(evidence);
  out.insert(out.end(), digest.begin(), digest.end());
  return out;
}

// One part, checked on its own: its evidence and its signature.
Result<std::pair<ReceiptBody, tee::Statement>> VerifyPart(const json& part, size_t index,
                                                          const tee::Policy& policy,
                                                          const tee::Collateral& collateral) {
  const std::string where = fmt::format("part {}", index);
  ARCA_RETURN_IF_ERROR(OnlyKeys(part, {"body", "evidence", "signature"}, where));
  ARCA_ASSIGN_OR_RETURN(ReceiptBody body, ReceiptBody::FromJson(part.at("body")));
  const std::string who = fmt::format("part of party {} ({})", body.party, body.node);
  ARCA_ASSIGN_OR_RETURN(const std::string evidence_text, String(part, "evidence", who));
  Result<Bytes> evidence_bytes = FromBase64(evidence_text);
  if (!evidence_bytes.ok() || ToBase64(*evidence_bytes) != evidence_text) {
    return Bad(who + ": 'evidence' is not canonical base64");
  }
  ARCA_ASSIGN_OR_RETURN(const std::string signature_text, String(part, "signature", who));
  Result<Bytes> signature = FromHex(signature_text);
  if (!signature.ok() || signature->size() != 64 || !IsLowerHex(signature_text)) {
    return Bad(who + ": 'signature' must be 128 lower-case hex digits");
  }

  Result<tee::Evidence> evidence = tee::ParseEvidence(*evidence_bytes);
  if (!evidence.ok()) return Bad(who + ": evidence: " + evidence.status().message());
  tee::Expectations expect;
  expect.at = body.time;
  expect.key_digest = tee::IdentityDigest(body.signing_key, body.hpke_key);
  ARCA_ASSIGN_OR_RETURN(expect.nonce, ReceiptBodyDigest(body));
  Result<tee::Statement> statement = tee::Attest(*evidence, policy, expect, collateral);
  if (!statement.ok()) return Bad(who + ": evidence refused: " + statement.status().message());
  if (!statement->verdict.accepted) {
    // The binding checks say what they mean for a receipt.
    for (const tee::Check& check : statement->verdict.checks) {
      if (check.passed || check.detail != statement->verdict.reason) continue;
      if (check.name == "fresh") {
        return Bad(who +
                   ": evidence refused: it was made for another body (the body was "
                   "changed after the node signed it)");
      }
      if (check.name == "key") {
        return Bad(who + ": evidence refused: it binds another key than the part names");
      }
    }
    return Bad(who + ": evidence refused: " + statement->verdict.reason);
  }

  ARCA_ASSIGN_OR_RETURN(const std::string canonical, CanonicalBody(body));
  Result<crypto::PublicKey> key = crypto::PublicKey::FromEd25519(body.signing_key);
  if (!key.ok() ||
      !crypto::VerifyEd25519(*key, SignedBytes(canonical, *evidence_bytes), *signature).ok()) {
    return Bad(who + ": the signature does not verify over the part's body and evidence");
  }
  return std::make_pair(std::move(body), *std::move(statement));
}

// The fields every part must agree on: the body without what is the node's own.
json CommonFields(const ReceiptBody& body) {
  json j = body.ToJson();
  for (const char* own : {"party", "node", "signing_key", "hpke_key", "result_sha256", "time"}) {
    j.erase(own);
  }
  for (json& d : j["datasets"]) d.erase("sha256");
  for (json& m : j["models"]) m.erase("sha256");
  return j;
}

// Which common field differs, for the error line.
std::string FirstDifference(const json& a, const json& b) {
  for (const auto& [key, value] : a.items()) {
    if (!b.contains(key) || b.at(key) != value) return key;
  }
  return "?";
}

// The parts (by party, in `order`) are of one job, agree on the common fields, are signed by
// distinct keys, and name a result digest exactly where their party sends a result.
Status CheckAgreement(const std::vector<ReceiptBody>& bodies, const std::vector<size_t>& order,
                      int64_t job, mpc::ProtocolKind protocol) {
  const json common = CommonFields(bodies[order[0]]);
  std::set<std::string> keys;  // hex: GCC 12 mis-warns on set<vector<uint8_t>>
  const std::vector<int> senders = mpc::ResultParties(protocol);
  for (size_t k = 0; k < order.size(); ++k) {
    const ReceiptBody& body = bodies[order[k]];
    const std::string who = fmt::format("part of party {} ({})", body.party, body.node);
    if (body.party != static_cast<int>(k)) {
      return Bad(fmt::format("party {} signed no part (or another party signed twice)", k));
    }
    if (body.job != job) {
      return Bad(fmt::format("{}: it is for job {}, the receipt for job {}", who, body.job, job));
    }
    const json fields = CommonFields(body);
    if (fields != common) {
      return Bad(
          fmt::format("{}: '{}' differs from party 0's", who, FirstDifference(common, fields)));
    }
    if (!keys.insert(ToHex(body.signing_key)).second) {
      return Bad(who + ": its key signed another party's part too");
    }
    const bool sends = std::find(senders.begin(), senders.end(), body.party) != senders.end();
    if (sends == body.result_sha256.empty()) {
      return Bad(fmt::format("{}: {} a result file, but its 'result_sha256' is {}", who,
                             sends ? "it sends" : "it sends no", sends ? "empty" : "set"));
    }
  }
  return OkStatus();
}

// Every file hashes to a part's result_sha256, and every such digest has its file.
Status CheckResultFiles(const std::vector<ReceiptBody>& bodies, const std::vector<Bytes>& files) {
  std::multiset<std::string> expected;
  for (const ReceiptBody& body : bodies) {
    if (!body.result_sha256.empty()) expected.insert(body.result_sha256);
  }
  for (const Bytes& file : files) {
    const std::string digest = ToHex(crypto::Sha256(file));
    const auto it = expected.find(digest);
    if (it == expected.end()) {
      return Bad(fmt::format("a result file (SHA-256 {}) is not one the nodes signed for",
                             digest.substr(0, 16)));
    }
    expected.erase(it);
  }
  if (!expected.empty()) {
    return Bad(fmt::format("no result file has the SHA-256 {} that a node signed for",
                           expected.begin()->substr(0, 16)));
  }
  return OkStatus();
}

}  // namespace

Result<mpc::ProtocolKind> ProtocolOfLevel(std::string_view level) {
  if (level == "tee") return mpc::ProtocolKind::kPlaintext;
  if (level == "dealer2pc") return mpc::ProtocolKind::kDealer2pc;
  if (level == "rep3") return mpc::ProtocolKind::kRep3;
  return InvalidArgumentError(
      fmt::format("unknown security level '{}': tee, dealer2pc or rep3", level.substr(0, 40)));
}

json ReceiptBody::ToJson() const {
  json datasets_json = json::array();
  for (const ReceiptDataset& d : datasets) {
    datasets_json.push_back(
        {{"input", d.input}, {"dataset", d.dataset}, {"version", d.version}, {"sha256", d.sha256}});
  }
  json approvals_json = json::array();
  for (const ReceiptApproval& a : approvals) {
    approvals_json.push_back({{"input", a.input}, {"ids", a.ids}, {"rules", a.rules}});
  }
  json models_json = json::array();
  for (const ReceiptModel& m : models) {
    models_json.push_back({{"name", m.name}, {"sha256", m.sha256}});
  }
  json privacy_json = json::array();
  for (const PrivacySpent& p : privacy) {
    privacy_json.push_back({{"output", p.output}, {"epsilon", p.epsilon}, {"delta", p.delta}});
  }
  return {{"job", job},
          {"plan_hash", plan_hash},
          {"level", level},
          {"consumer", consumer},
          {"result_key_sha256", result_key_sha256},
          {"datasets", datasets_json},
          {"approvals", approvals_json},
          {"models", models_json},
          {"privacy", privacy_json},
          {"party", party},
          {"node", node},
          {"signing_key", ToHex(signing_key)},
          {"hpke_key", ToHex(hpke_key)},
          {"result_sha256", result_sha256},
          {"time", FormatTime(time)}};
}

Result<ReceiptBody> ReceiptBody::FromJson(const json& j) {
  constexpr std::string_view kWhere = "receipt body";
  ARCA_RETURN_IF_ERROR(OnlyKeys(
      j,
      {"job", "plan_hash", "level", "consumer", "result_key_sha256", "datasets", "approvals",
       "models", "privacy", "party", "node", "signing_key", "hpke_key", "result_sha256", "time"},
      kWhere));
  ReceiptBody b;
  ARCA_ASSIGN_OR_RETURN(b.job, Integer(j, "job", kWhere));
  ARCA_ASSIGN_OR_RETURN(b.plan_hash, Digest(j, "plan_hash", kWhere, false));
  ARCA_ASSIGN_OR_RETURN(b.level, String(j, "level", kWhere));
  if (!ProtocolOfLevel(b.level).ok()) return Bad("receipt body: unknown 'level'");
  ARCA_ASSIGN_OR_RETURN(b.consumer, String(j, "consumer", kWhere));
  ARCA_ASSIGN_OR_RETURN(b.result_key_sha256, Digest(j, "result_key_sha256", kWhere, false));
  ARCA_ASSIGN_OR_RETURN(const int64_t party, Integer(j, "party", kWhere));
  if (party < 0 || party > 2) return Bad("receipt body: 'party' must be 0, 1 or 2");
  b.party = static_cast<int>(party);
  ARCA_ASSIGN_OR_RETURN(b.node, String(j, "node", kWhere));
  ARCA_ASSIGN_OR_RETURN(b.signing_key, Key(j, "signing_key", kWhere));
  ARCA_ASSIGN_OR_RETURN(b.hpke_key, Key(j, "hpke_key", kWhere));
  ARCA_ASSIGN_OR_RETURN(b.result_sha256, Digest(j, "result_sha256", kWhere, true));
  ARCA_ASSIGN_OR_RETURN(const std::string time, String(j, "time", kWhere));
  Result<UnixTime> parsed_time = ParseTime(time);
  if (!parsed_time.ok() || FormatTime(*parsed_time) != time) {
    return Bad("receipt body: 'time' must be YYYY-MM-DDTHH:MM:SSZ");
  }
  b.time = *parsed_time;
  for (const char* list : {"datasets", "approvals", "models", "privacy"}) {
    if (!j.at(list).is_array()) return Bad(fmt::format("receipt body: '{}' must be a list", list));
  }
  for (const json& d : j.at("datasets")) {
    constexpr std::string_view kIn = "receipt dataset";
    ARCA_RETURN_IF_ERROR(OnlyKeys(d, {"input", "dataset", "version", "sha256"}, kIn));
    ReceiptDataset out;
    ARCA_ASSIGN_OR_RETURN(out.input, String(d, "input", kIn));
    ARCA_ASSIGN_OR_RETURN(out.dataset, String(d, "dataset", kIn));
    ARCA_ASSIGN_OR_RETURN(const int64_t version, Integer(d, "version", kIn));
    if (version < 0) return Bad("receipt dataset: 'version' must not be negative");
    out.version = static_cast<uint64_t>(version);
    ARCA_ASSIGN_OR_RETURN(out.sha256, Digest(d, "sha256", kIn, true));
    b.datasets.push_back(std::move(out));
  }
  for (const json& a : j.at("approvals")) {
    constexpr std::string_view kIn = "receipt approval";
    ARCA_RETURN_IF_ERROR(OnlyKeys(a, {"input", "ids", "rules"}, kIn));
    ReceiptApproval out;
    ARCA_ASSIGN_OR_RETURN(out.input, String(a, "input", kIn));
    if (!a.at("ids").is_array()) return Bad("receipt approval: 'ids' must be a list");
    for (const json& id : a.at("ids")) {
      if (!id.is_number_integer()) return Bad("receipt approval: 'ids' must be integers");
      out.ids.push_back(id.get<int64_t>());
    }
    if (!a.at("rules").is_object()) return Bad("receipt approval: 'rules' must be an object");
    out.rules = a.at("rules");
    b.approvals.push_back(std::move(out));
  }
  for (const json& m : j.at("models")) {
    constexpr std::string_view kIn = "receipt model";
    ARCA_RETURN_IF_ERROR(OnlyKeys(m, {"name", "sha256"}, kIn));
    ReceiptModel out;
    ARCA_ASSIGN_OR_RETURN(out.name, String(m, "name", kIn));
    ARCA_ASSIGN_OR_RETURN(out.sha256, Digest(m, "sha256", kIn, true));
    b.models.push_back(std::move(out));
  }
  for (const json& p : j.at("privacy")) {
    constexpr std::string_view kIn = "receipt privacy entry";
    ARCA_RETURN_IF_ERROR(OnlyKeys(p, {"output", "epsilon", "delta"}, kIn));
    PrivacySpent out;
    ARCA_ASSIGN_OR_RETURN(out.output, String(p, "output", kIn));
    ARCA_ASSIGN_OR_RETURN(out.epsilon, NonNegative(p, "epsilon", kIn));
    ARCA_ASSIGN_OR_RETURN(out.delta, NonNegative(p, "delta", kIn));
    b.privacy.push_back(std::move(out));
  }
  return b;
}

Result<crypto::Sha256Digest> ReceiptBodyDigest(const ReceiptBody& body) {
  ARCA_ASSIGN_OR_RETURN(const std::string canonical, CanonicalBody(body));
  const uint8_t zero = 0;
  return crypto::Sha256({AsBytes(kDomain), ByteView(&zero, 1), AsBytes(canonical)});
}

Result<json> SignReceiptPart(ReceiptBody body, const tee::NodeIdentity& identity,
                             const std::function<Result<tee::Evidence>(ByteView)>& attest) {
  const auto signing_key = identity.signing_key().RawPublicKey();
  body.signing_key.assign(signing_key.begin(), signing_key.end());
  const crypto::X25519Key& hpke_key = identity.hpke_key().public_key;
  body.hpke_key.assign(hpke_key.begin(), hpke_key.end());
  ARCA_ASSIGN_OR_RETURN(const crypto::Sha256Digest digest, ReceiptBodyDigest(body));
  Result<tee::Evidence> evidence = attest(tee::ReportData(identity.KeyDigest(), digest));
  if (!evidence.ok()) return evidence.status().WithContext("receipt: the node's evidence");
  const std::string bundle = evidence->ToJson();
  ARCA_ASSIGN_OR_RETURN(const std::string canonical, CanonicalBody(body));
  const crypto::Ed25519Signature signature =
      identity.signing_key().Sign(SignedBytes(canonical, AsBytes(bundle)));
  return json{{"body", body.ToJson()},
              {"evidence", ToBase64(AsBytes(bundle))},
              {"signature", ToHex(signature)}};
}

Result<VerifiedReceipt> VerifyReceipt(std::string_view receipt_json, const tee::Policy& policy,
                                      const ReceiptCheckOptions& options) {
  Result<VerifiedReceipt> verified = [&]() -> Result<VerifiedReceipt> {
    ARCA_ASSIGN_OR_RETURN(const json root, plan::ParseStrictJson(receipt_json));
    ARCA_RETURN_IF_ERROR(OnlyKeys(root, {"job", "parts"}, "the receipt"));
    ARCA_ASSIGN_OR_RETURN(const int64_t job, Integer(root, "job", "the receipt"));
    if (!root.at("parts").is_array() || root.at("parts").empty()) {
      return Bad("the receipt has no parts");
    }
    VerifiedReceipt out;
    std::vector<ReceiptBody> bodies;
    size_t index = 0;
    for (const json& part : root.at("parts")) {
      ARCA_ASSIGN_OR_RETURN(auto checked, VerifyPart(part, index++, policy, options.collateral));
      out.parts.push_back({checked.first.party, checked.first.node, std::move(checked.second)});
      bodies.push_back(std::move(checked.first));
    }
    // By party, which must be each of the level's parties once.
    std::vector<size_t> order(bodies.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return bodies[a].party < bodies[b].party; });
    const ReceiptBody& first = bodies[order[0]];
    ARCA_ASSIGN_OR_RETURN(const mpc::ProtocolKind protocol, ProtocolOfLevel(first.level));
    const int parties = mpc::PartiesOf(protocol);
    if (static_cast<int>(bodies.size()) != parties) {
      return Bad(fmt::format("a {} job has {} parties, but {} parts signed", first.level, parties,
                             bodies.size()));
    }
    ARCA_RETURN_IF_ERROR(CheckAgreement(bodies, order, job, protocol));
    if (options.check_results) ARCA_RETURN_IF_ERROR(CheckResultFiles(bodies, options.result_files));
    std::sort(out.parts.begin(), out.parts.end(),
              [](const VerifiedPart& a, const VerifiedPart& b) { return a.party < b.party; });
    out.common = first;
    return out;
  }();
  if (!verified.ok()) return verified.status().WithContext("receipt refused");
  return verified;
}

}  // namespace arca::client
