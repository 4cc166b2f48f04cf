#include "arca/tee/attestation.h"

#include <nlohmann/json.hpp>

namespace arca::tee {
namespace {

using nlohmann::json;

json VerdictJson(const Verdict& verdict) {
  json out;
  out["accepted"] = verdict.accepted;
  out["reason"] = verdict.reason;
  out["checks"] = json::array();
  for (const Check& check : verdict.checks) {
    out["checks"].push_back(
        {{"name", check.name}, {"passed", check.passed}, {"detail", check.detail}});
  }
  return out;
}

Verdict VerdictFromJson(const json& node) {
  Verdict verdict;
  verdict.accepted = node.at("accepted").get<bool>();
  verdict.reason = node.at("reason").get<std::string>();
  for (const json& check : node.at("checks")) {
    verdict.checks.push_back({check.at("name").get<std::string>(), check.at("passed").get<bool>(),
                              check.at("detail").get<std::string>()});
  }
  return verdict;
}

template <size_t N>
Status DigestFromHex(const json& node, std::array<uint8_t, N>& out) {
  ARCA_ASSIGN_OR_RETURN(const Bytes bytes, FromHex(node.get<std::string>()));
  if (bytes.size() != N) return InvalidArgumentError("a digest has the wrong size");
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return OkStatus();
}

}  // namespace

std::string Statement::CanonicalJson() const {
  json out;
  out["claims"] = claims.ToJson();
  out["verdict"] = VerdictJson(verdict);
  out["evidence_sha256"] = ToHex(evidence_digest);
  out["policy_sha256"] = ToHex(policy_digest);
  out["verified_at"] = FormatTime(verified_at);
  // nlohmann's objects keep keys sorted, and dump() without indent adds no whitespace.
  return out.dump();
}

Result<Statement> Statement::FromJson(std::string_view text) {
  Statement statement;
  try {
    const json root = json::parse(text);
    ARCA_ASSIGN_OR_RETURN(statement.claims, Claims::FromJson(root.at("claims")));
    statement.verdict = VerdictFromJson(root.at("verdict"));
    ARCA_RETURN_IF_ERROR(DigestFromHex(root.at("evidence_sha256"), statement.evidence_digest));
    ARCA_RETURN_IF_ERROR(DigestFromHex(root.at("policy_sha256"), statement.policy_digest));
    ARCA_ASSIGN_OR_RETURN(statement.verified_at,
                          ParseTime(root.at("verified_at").get<std::string>()));
  } catch (const json::exception& e) {
    return InvalidArgumentError(std::string("malformed attestation statement: ") + e.what());
  }
  return statement;
}

Result<Statement> Attest(const Evidence& evidence, const Policy& policy, const Expectations& expect,
                         Collateral collateral) {
  const auto rules = policy.platforms.find(evidence.platform);
  if (rules == policy.platforms.end()) {
    return PermissionDeniedError("the policy does not accept platform " +
                                 std::string(PlatformName(evidence.platform)) +
                                 ", so it pins no trust anchor for it");
  }
  ARCA_RETURN_IF_ERROR(AddBundleCollateral(evidence, collateral));
  const VerifyInputs inputs{evidence.report, rules->second.anchors, std::move(collateral),
                            expect.at};
  Result<Claims> claims = VerifyEvidence(evidence.platform, inputs);
  if (!claims.ok()) {
    return claims.status().WithContext(std::string(PlatformName(evidence.platform)) + " evidence");
  }
  Statement statement;
  statement.verdict = Judge(*claims, policy, expect);
  statement.claims = *std::move(claims);
  statement.evidence_digest = crypto::Sha256(evidence.report);
  statement.policy_digest = policy.digest;
  statement.verified_at = expect.at;
  return statement;
}

std::string SignedStatement::ToJson() const {
  return json{{"statement", statement},
              {"signature", ToHex(signature)},
              {"verifier_key", ToHex(verifier_key)}}
      .dump(2);
}

Result<SignedStatement> SignedStatement::FromJson(std::string_view text) {
  SignedStatement out;
  try {
    const json root = json::parse(text);
    out.statement = root.at("statement").get<std::string>();
    ARCA_ASSIGN_OR_RETURN(out.signature, FromHex(root.at("signature").get<std::string>()));
    ARCA_ASSIGN_OR_RETURN(out.verifier_key, FromHex(root.at("verifier_key").get<std::string>()));
  } catch (const json::exception& e) {
    return InvalidArgumentError(std::string("malformed signed statement: ") + e.what());
  }
  return out;
}

SignedStatement SignStatement(const Statement& statement, const crypto::SigningKey& key) {
  SignedStatement out;
  out.statement = statement.CanonicalJson();
  const crypto::Ed25519Signature signature = key.Sign(AsBytes(out.statement));
  out.signature.assign(signature.begin(), signature.end());
  const auto public_key = key.RawPublicKey();
  out.verifier_key.assign(public_key.begin(), public_key.end());
  return out;
}

Result<Statement> OpenStatement(const SignedStatement& signed_statement,
                                ByteView trusted_verifier) {
  if (!std::equal(trusted_verifier.begin(), trusted_verifier.end(),
                  signed_statement.verifier_key.begin(), signed_statement.verifier_key.end())) {
    return PermissionDeniedError("the attestation statement is signed by an untrusted verifier");
  }
  ARCA_ASSIGN_OR_RETURN(const crypto::PublicKey key,
                        crypto::PublicKey::FromEd25519(trusted_verifier));
  const Status signature =
      crypto::VerifyEd25519(key, AsBytes(signed_statement.statement), signed_statement.signature);
  if (!signature.ok()) {
    return DataLossError(
        "the attestation statement's signature does not verify: it was "
        "altered or not signed by this verifier");
  }
  return Statement::FromJson(signed_statement.statement);
}

}  // namespace arca::tee
