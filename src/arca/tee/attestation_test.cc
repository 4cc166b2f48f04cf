#include "arca/tee/attestation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "arca/base/test_dir.h"
#include "arca/tee/sim_tee.h"

namespace arca::tee {
namespace {

using ::testing::HasSubstr;

const std::string kSamples = ARCA_ATTESTATION_SAMPLES;

std::string Sample(const std::string& file) { return kSamples + "/" + file; }

// A simulated node and a policy that pins its root and accepts its measurement.
class AttestationTest : public ::testing::Test {
 protected:
  AttestationTest()
      : root_(*SimRoot::Create(crypto::SigningKey::Generate())),
        tee_(root_, MeasureProgram(AsBytes("arca-node"), AsBytes("{}")), {1}) {
    const std::string dir = arca::testing::FreshTestDir("attestation_test");
    std::ofstream(dir + "/sim-root.pem") << root_.certificate().Pem();
    const std::string policy = R"({"version": 1, "platforms": {"sim": {
        "measurements": [")" + ToHex(tee_.measurement()) +
                               R"("],
        "trust_anchors": [{"file": "sim-root.pem", "sha256": ")" +
                               ToHex(root_.certificate().Fingerprint()) + R"("}]}}})";
    policy_ = *Policy::Parse(policy, dir);
  }

  Evidence NodeEvidence(const crypto::Sha256Digest& nonce) const {
    Evidence evidence;
    evidence.platform = Platform::kSim;
    evidence.report = *tee_.Report(ReportData(key_digest_, nonce), now_);
    return evidence;
  }

  Expectations Expect(const crypto::Sha256Digest& nonce) const {
    return {now_, key_digest_, nonce, {}};
  }

  SimRoot root_;
  SimTee tee_;
  Policy policy_;
  crypto::Sha256Digest key_digest_ = crypto::Sha256(AsBytes("node identity"));
  crypto::Sha256Digest nonce_ = crypto::Sha256(AsBytes("client nonce"));
  UnixTime now_ = *ParseTime("2026-11-23T10:00:00Z");
};

TEST_F(AttestationTest, EvidenceToSignedStatementAndBack) {
  // The bundle survives its JSON form.
  const Evidence evidence = *ParseEvidence(AsBytes(NodeEvidence(nonce_).ToJson()));
  Result<Statement> statement = Attest(evidence, policy_, Expect(nonce_));
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  EXPECT_TRUE(statement->verdict.accepted) << statement->verdict.reason;
  EXPECT_EQ(statement->policy_digest, policy_.digest);

  const crypto::SigningKey verifier = crypto::SigningKey::Generate();
  const SignedStatement signed_statement = SignStatement(*statement, verifier);
  const SignedStatement parsed = *SignedStatement::FromJson(signed_statement.ToJson());
  Result<Statement> opened = OpenStatement(parsed, verifier.RawPublicKey());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->CanonicalJson(), statement->CanonicalJson());

  SignedStatement altered = parsed;
  altered.statement.replace(altered.statement.find("\"accepted\":true"), 15, "\"accepted\":fals");
  EXPECT_THAT(OpenStatement(altered, verifier.RawPublicKey()).status().message(),
              HasSubstr("signature does not verify"));
  EXPECT_THAT(
      OpenStatement(parsed, crypto::SigningKey::Generate().RawPublicKey()).status().message(),
      HasSubstr("untrusted verifier"));
}

TEST_F(AttestationTest, AReplayedReportIsRefusedAsNotFresh) {
  const Evidence old = NodeEvidence(crypto::Sha256(AsBytes("yesterday's nonce")));
  const Statement statement = *Attest(old, policy_, Expect(nonce_));
  EXPECT_FALSE(statement.verdict.accepted);
  EXPECT_THAT(statement.verdict.reason, HasSubstr("evidence is not fresh"));
}

TEST_F(AttestationTest, AnotherProgramIsRefusedByMeasurement) {
  const SimTee other(root_, MeasureProgram(AsBytes("patched-node"), AsBytes("{}")), {1});
  Evidence evidence;
  evidence.platform = Platform::kSim;
  evidence.report = *other.Report(ReportData(key_digest_, nonce_), now_);
  const Statement statement = *Attest(evidence, policy_, Expect(nonce_));
  EXPECT_THAT(statement.verdict.reason, HasSubstr("is not among the 1 the policy accepts"));
}

TEST_F(AttestationTest, AVerifierFailureIsAnErrorNamingThePlatform) {
  Evidence evidence = NodeEvidence(nonce_);
  evidence.report[20] ^= 1;
  EXPECT_THAT(Attest(evidence, policy_, Expect(nonce_)).status().message(),
              HasSubstr("sim evidence: SIMULATED TEE report signature does not verify"));
  evidence.platform = Platform::kNitro;
  EXPECT_THAT(Attest(evidence, policy_, Expect(nonce_)).status().message(),
              HasSubstr("the policy does not accept platform nitro"));
}

TEST(EvidenceTest, RecognisesEachPlatformsRawEvidence) {
  const std::vector<std::pair<std::string, Platform>> files = {
      {"sev-snp/go-sev-guest-milan/report.bin", Platform::kSevSnp},
      {"sev-snp/virtee-milan/report_milan.hex", Platform::kSevSnp},
      {"tdx/go-tdx-guest-spr-v4/quote.dat", Platform::kTdx},
      {"tdx/trustee-v4-partial/tdx_quote_5_v5.dat", Platform::kTdx},
      {"sgx/trustee-occlum/quote_v3.dat", Platform::kSgx},
      {"nitro/evervault/attestation-doc-2022-10-13-production.cose", Platform::kNitro},
      {"nitro/evervault/attestation-doc-2023-09-18-debug.b64", Platform::kNitro},
  };
  for (const auto& [file, platform] : files) {
    Result<Evidence> evidence = ParseEvidence(*ReadFileBytes(Sample(file)));
    ASSERT_TRUE(evidence.ok()) << file << ": " << evidence.status().ToString();
    EXPECT_EQ(evidence->platform, platform) << file;
  }
  EXPECT_EQ(
      ParseEvidence(*ReadFileBytes(Sample("sev-snp/virtee-milan/report_milan.hex")))->report.size(),
      1184u);
  EXPECT_THAT(ParseEvidence(AsBytes("hello")).status().message(),
              HasSubstr("cannot tell which TEE produced this evidence"));
  EXPECT_THAT(ParseEvidence(AsBytes(R"({"format": "x"})")).status().message(),
              HasSubstr("arca-evidence-v1"));
}

}  // namespace
}  // namespace arca::tee
