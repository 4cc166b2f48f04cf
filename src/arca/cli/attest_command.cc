#include "arca/cli/attest_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/time.h"
#include "arca/tee/attestation.h"

namespace arca::cli {
namespace {

struct VerifyArgs {
  std::string evidence;
  std::string policy;
  std::string at;
  std::string nonce;
  std::string key_digest;
  std::string report_data;
  std::string vcek_cache;
  std::vector<std::string> certs;
  std::vector<std::string> crls;
  std::string tcb_info;
  std::string qe_identity;
  bool json = false;
};

Result<std::string> ReadText(const std::string& path) {
  ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(path));
  return std::string(bytes.begin(), bytes.end());
}

Result<crypto::Sha256Digest> Digest(const std::string& hex, const char* flag) {
  Result<Bytes> bytes = FromHex(hex);
  if (!bytes.ok() || bytes->size() != 32) {
    return InvalidArgumentError(std::string(flag) + " takes 32 bytes as 64 hex digits");
  }
  crypto::Sha256Digest out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

Result<tee::Collateral> LoadCollateral(const VerifyArgs& args) {
  tee::Collateral collateral;
  collateral.vcek_cache_dir = args.vcek_cache;
  for (const std::string& path : args.certs) {
    ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(path));
    Result<std::vector<crypto::Certificate>> pem = crypto::Certificate::AllFromPem(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    if (pem.ok()) {
      collateral.intermediates.insert(collateral.intermediates.end(), pem->begin(), pem->end());
      continue;
    }
    Result<crypto::Certificate> der = crypto::Certificate::FromDer(bytes);
    if (!der.ok()) return der.status().WithContext(path);
    collateral.intermediates.push_back(*der);
  }
  for (const std::string& path : args.crls) {
    ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(path));
    Result<crypto::Crl> crl = crypto::Crl::Parse(bytes);
    if (!crl.ok()) return crl.status().WithContext(path);
    collateral.crls.push_back(*crl);
  }
  if (!args.tcb_info.empty()) {
    ARCA_ASSIGN_OR_RETURN(collateral.tcb_info, ReadText(args.tcb_info));
  }
  if (!args.qe_identity.empty()) {
    ARCA_ASSIGN_OR_RETURN(collateral.qe_identity, ReadText(args.qe_identity));
  }
  return collateral;
}

Result<tee::Expectations> LoadExpectations(const VerifyArgs& args) {
  tee::Expectations expect;
  expect.at = Now();
  if (!args.at.empty()) {
    ARCA_ASSIGN_OR_RETURN(expect.at, ParseTime(args.at));
  }
  if (!args.nonce.empty()) {
    ARCA_ASSIGN_OR_RETURN(expect.nonce, Digest(args.nonce, "--nonce"));
  }
  if (!args.key_digest.empty()) {
    ARCA_ASSIGN_OR_RETURN(expect.key_digest, Digest(args.key_digest, "--key-digest"));
  }
  if (!args.report_data.empty()) {
    ARCA_ASSIGN_OR_RETURN(expect.report_data, FromHex(args.report_data));
  }
  return expect;
}

void PrintText(const tee::Evidence& evidence, const tee::Statement& statement) {
  const nlohmann::json claims = statement.claims.ToJson();
  std::printf("evidence     %s, %zu bytes, sha256 %s\n",
              std::string(tee::PlatformName(evidence.platform)).c_str(), evidence.report.size(),
              ToHex(statement.evidence_digest).c_str());
  std::printf("verified at  %s against policy sha256 %s\n",
              FormatTime(statement.verified_at).c_str(), ToHex(statement.policy_digest).c_str());
  if (evidence.platform == tee::Platform::kSim) {
    std::printf(
        "             SIMULATED TEE: a software key signed this evidence; it proves no "
        "hardware protection\n");
  }
  std::printf("claims\n");
  for (const auto& [name, value] : claims.items()) {
    if (value.is_object()) {
      for (const auto& [inner, v] : value.items()) {
        std::printf("  %-32s %s\n", fmt::format("{}.{}", name, inner).c_str(),
                    v.is_string() ? v.get<std::string>().c_str() : v.dump().c_str());
      }
    } else {
      std::printf("  %-32s %s\n", name.c_str(),
                  value.is_string() ? value.get<std::string>().c_str() : value.dump().c_str());
    }
  }
  std::printf("checks\n");
  for (const tee::Check& check : statement.verdict.checks) {
    std::printf("  %-5s %-11s %s\n", check.passed ? "ok" : "FAIL", check.name.c_str(),
                check.detail.c_str());
  }
  if (statement.verdict.accepted) {
    std::printf("verdict      ACCEPTED\n");
  } else {
    std::printf("verdict      REFUSED: %s\n", statement.verdict.reason.c_str());
  }
}

int RunVerify(const VerifyArgs& args) {
  Result<tee::Statement> statement = [&]() -> Result<tee::Statement> {
    ARCA_ASSIGN_OR_RETURN(const Bytes bytes, ReadFileBytes(args.evidence));
    Result<tee::Evidence> evidence = tee::ParseEvidence(bytes);
    if (!evidence.ok()) return evidence.status().WithContext(args.evidence);
    ARCA_ASSIGN_OR_RETURN(const tee::Policy policy, tee::Policy::Load(args.policy));
    ARCA_ASSIGN_OR_RETURN(tee::Collateral collateral, LoadCollateral(args));
    ARCA_ASSIGN_OR_RETURN(const tee::Expectations expect, LoadExpectations(args));
    ARCA_ASSIGN_OR_RETURN(tee::Statement result,
                          tee::Attest(*evidence, policy, expect, std::move(collateral)));
    if (!args.json) PrintText(*evidence, result);
    return result;
  }();
  if (!statement.ok()) {
    if (args.json) {
      std::printf("%s\n",
                  nlohmann::json{{"accepted", false}, {"error", statement.status().message()}}
                      .dump(2)
                      .c_str());
    } else {
      std::printf("verdict      REFUSED: %s\n", statement.status().message().c_str());
    }
    return 1;
  }
  if (args.json) {
    std::printf("%s\n", nlohmann::json::parse(statement->CanonicalJson()).dump(2).c_str());
  }
  return statement->verdict.accepted ? 0 : 1;
}

}  // namespace

void AddAttestCommand(CLI::App& app, int* exit_code) {
  CLI::App* attest = app.add_subcommand("attest", "Check TEE attestation evidence by hand");
  attest->require_subcommand(1);
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* verify = attest->add_subcommand(
      "verify",
      "Verify evidence against a policy and print the claims and the verdict.\n"
      "Exit status: 0 accepted, 1 refused (the reason is printed), 2 usage error.");
  verify
      ->add_option("--evidence", args->evidence,
                   "Evidence: an Arca bundle (JSON), an SEV-SNP report (binary or hex), a "
                   "TDX/SGX quote, a Nitro document (CBOR or base64) or a SIMULATED report")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--policy", args->policy, "Reference-value policy (docs/ATTESTATION.md)")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--at", args->at,
                     "Verification time (ISO 8601 UTC, a date, or @SECONDS); default now");
  verify->add_option("--nonce", args->nonce,
                     "The 32-byte nonce you sent (hex): report_data[32:64] must carry it");
  verify->add_option("--key-digest", args->key_digest,
                     "The node key digest (hex) that report_data[0:32] must carry");
  verify->add_option("--report-data", args->report_data,
                     "The exact report_data you asked for (hex), for evidence from other "
                     "software than Arca's nodes");
  verify
      ->add_option("--vcek-cache", args->vcek_cache,
                   "SEV-SNP: directory of VCEK/VLEK certificates (docs/attestation/sev-snp.md)")
      ->check(CLI::ExistingDirectory);
  verify
      ->add_option("--cert", args->certs,
                   "Untrusted intermediate certificates (PEM or DER), e.g. AMD's ASK+ARK "
                   "bundle or an Intel issuer chain; repeatable")
      ->check(CLI::ExistingFile);
  verify->add_option("--crl", args->crls, "Certificate revocation list (DER or PEM); repeatable")
      ->check(CLI::ExistingFile);
  verify->add_option("--tcb-info", args->tcb_info, "Intel PCS TCB info JSON")
      ->check(CLI::ExistingFile);
  verify->add_option("--qe-identity", args->qe_identity, "Intel PCS QE identity JSON")
      ->check(CLI::ExistingFile);
  verify->add_flag("--json", args->json, "Print the statement as JSON");
  verify->callback([args, exit_code] { *exit_code = RunVerify(*args); });
}

}  // namespace arca::cli
