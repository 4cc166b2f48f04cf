#include "arca/tee/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "arca/tee/sim_tee.h"

namespace arca::tee {
namespace {

using ::testing::HasSubstr;

const std::string kSamples = ARCA_ATTESTATION_SAMPLES;

Result<Policy> PolicyFrom(const std::string& text) { return Policy::Parse(text, kSamples); }

// The AWS Nitro root (its published SHA-256) and SEV-SNP's Milan ARK (second in the bundle).
constexpr char kNitroAnchor[] =
    R"({"file": "nitro/evervault/aws_nitro_enclaves_root_g1.pem",
        "sha256": "64:1A:03:21:A3:E2:44:EF:E4:56:46:31:95:D6:06:31:7E:D7:CD:CC:3C:17:56:E0:98:93:F3:C6:8F:79:BB:5B"})";

std::string NitroPolicy(const std::string& extra = "") {
  return R"({"version": 1, "clock_skew_s": 30, "platforms": {"nitro": {
      "measurements": ["aa", "f4d4"], "max_evidence_age_s": 300, )" +
         extra + R"( "trust_anchors": [)" + kNitroAnchor + "]}}}";
}

Claims NitroClaims() {
  Claims claims;
  claims.platform = Platform::kNitro;
  claims.measurement = {0xf4, 0xd4};
  claims.evidence_time = *ParseTime("2026-11-23T12:00:00Z");
  return claims;
}

Expectations At(const char* time) { return {*ParseTime(time), {}, {}, {}}; }

TEST(PolicyTest, ParsesAFileAndPinsItsAnchors) {
  Result<Policy> policy = PolicyFrom(NitroPolicy());
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  const PlatformPolicy& nitro = policy->platforms.at(Platform::kNitro);
  EXPECT_EQ(nitro.anchors.size(), 1u);
  EXPECT_EQ(nitro.anchors[0].CommonName(), "aws.nitro-enclaves");
  EXPECT_EQ(nitro.max_evidence_age.count(), 300);
  EXPECT_EQ(policy->clock_skew.count(), 30);
  EXPECT_EQ(nitro.tcb_statuses, std::set<std::string>{"UpToDate"});
}

TEST(PolicyTest, ErrorsNameTheField) {
  EXPECT_THAT(PolicyFrom("{").status().message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(PolicyFrom(R"({"version": 1, "platforms": {"nitro": {"trust_anchors": []}}})")
                  .status()
                  .message(),
              HasSubstr("'platforms.nitro.measurements'"));
  EXPECT_THAT(PolicyFrom(R"({"version": 1, "platforms": {"amiga": {}}})").status().message(),
              HasSubstr("unknown TEE platform 'amiga'"));
  EXPECT_THAT(PolicyFrom(NitroPolicy(R"("allow_debug": true,)")).status().message(),
              HasSubstr("'platforms.nitro.allow_debug': unknown field"));
  std::string wrong_pin = NitroPolicy();
  wrong_pin.replace(wrong_pin.find("64:1A"), 5, "65:1A");
  EXPECT_THAT(PolicyFrom(wrong_pin).status().message(),
              HasSubstr("is not the anchor the policy names"));
  EXPECT_THAT(PolicyFrom(R"({"version": 1, "platforms": {"nitro": {"measurements": ["aa"]}}})")
                  .status()
                  .message(),
              HasSubstr("must pin at least one root certificate"));
}

TEST(PolicyTest, AcceptsMatchingClaimsAndListsEveryCheck) {
  const Policy policy = *PolicyFrom(NitroPolicy());
  const Verdict verdict = Judge(NitroClaims(), policy, At("2026-11-23T12:03:00Z"));
  EXPECT_TRUE(verdict.accepted) << verdict.reason;
  std::vector<std::string> names;
  for (const Check& check : verdict.checks) names.push_back(check.name);
  EXPECT_THAT(names, ::testing::ElementsAre("platform", "debug", "measurement", "tcb", "tcb_status",
                                            "fresh"));
}

TEST(PolicyTest, RefusesEachViolationWithItsOwnLine) {
  const Policy policy = *PolicyFrom(NitroPolicy(R"("min_tcb": {"snp": 8},)"));
  Claims claims = NitroClaims();
  claims.tcb["snp"] = 8;
  const Expectations at = At("2026-11-23T12:03:00Z");
  ASSERT_TRUE(Judge(claims, policy, at).accepted) << Judge(claims, policy, at).reason;

  Claims debug = claims;
  debug.debug = true;
  EXPECT_THAT(Judge(debug, policy, at).reason, HasSubstr("debug-mode TEE"));
  Claims measured = claims;
  measured.measurement = {0x01};
  EXPECT_THAT(Judge(measured, policy, at).reason,
              HasSubstr("measurement 01 is not among the 2 the policy accepts for nitro"));
  Claims old_tcb = claims;
  old_tcb.tcb["snp"] = 5;
  EXPECT_THAT(Judge(old_tcb, policy, at).reason,
              HasSubstr("TCB component 'snp' is 5, below the policy's minimum 8"));
  Claims status = claims;
  status.tcb_status = "OutOfDate";
  status.advisories = {"INTEL-SA-00615"};
  EXPECT_THAT(Judge(status, policy, at).reason,
              HasSubstr("TCB status OutOfDate is not accepted by the policy (advisories: "
                        "INTEL-SA-00615)"));
  Claims other = claims;
  other.platform = Platform::kSevSnp;
  EXPECT_THAT(Judge(other, policy, at).reason,
              HasSubstr("the policy does not accept platform sev-snp"));
}

TEST(PolicyTest, FreshnessByAgeHonoursTheSkew) {
  const Policy policy = *PolicyFrom(NitroPolicy());
  // 300 s maximum age plus 30 s skew.
  EXPECT_TRUE(Judge(NitroClaims(), policy, At("2026-11-23T12:05:30Z")).accepted);
  EXPECT_THAT(Judge(NitroClaims(), policy, At("2026-11-23T12:05:31Z")).reason,
              HasSubstr("evidence is stale: made at 2026-11-23T12:00:00Z"));
  EXPECT_TRUE(Judge(NitroClaims(), policy, At("2026-11-23T11:59:30Z")).accepted);
  EXPECT_THAT(Judge(NitroClaims(), policy, At("2026-11-23T11:59:29Z")).reason,
              HasSubstr("in the future"));
  Claims timeless = NitroClaims();
  timeless.evidence_time.reset();
  EXPECT_THAT(Judge(timeless, policy, At("2026-11-23T12:00:00Z")).reason,
              HasSubstr("freshness cannot be established"));
}

TEST(PolicyTest, KeyBindingAndNonceAreSeparateChecks) {
  const Policy policy = *PolicyFrom(NitroPolicy());
  const crypto::Sha256Digest key = crypto::Sha256(AsBytes("node key"));
  const crypto::Sha256Digest nonce = crypto::Sha256(AsBytes("nonce 1"));
  Claims claims = NitroClaims();
  claims.evidence_time.reset();  // freshness must come from the nonce alone
  claims.report_data = ReportData(key, nonce);
  Expectations expect = At("2026-11-23T12:00:00Z");
  expect.key_digest = key;
  expect.nonce = nonce;
  EXPECT_TRUE(Judge(claims, policy, expect).accepted) << Judge(claims, policy, expect).reason;

  Expectations other_key = expect;
  other_key.key_digest = crypto::Sha256(AsBytes("another key"));
  EXPECT_THAT(Judge(claims, policy, other_key).reason,
              HasSubstr("report_data does not bind the offered key"));
  Expectations stale = expect;
  stale.nonce = crypto::Sha256(AsBytes("nonce 2"));
  EXPECT_THAT(Judge(claims, policy, stale).reason, HasSubstr("evidence is not fresh"));
}

}  // namespace
}  // namespace arca::tee
