#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "arca/crypto/os_random.h"
#include "arca/tee/policy.h"
#include "arca/tee/sim_tee.h"
#include "arca/tee/verifier.h"

namespace arca::tee {
namespace {

using ::testing::HasSubstr;

class SimTeeTest : public ::testing::Test {
 protected:
  SimTeeTest()
      : root_(*SimRoot::Create(crypto::SigningKey::Generate())),
        tee_(root_, MeasureProgram(AsBytes("binary"), AsBytes("config")), {7}) {}

  VerifyInputs Inputs(const Bytes& evidence) const {
    return {evidence, {root_.certificate()}, {}, now_};
  }

  SimRoot root_;
  SimTee tee_;
  UnixTime now_ = *ParseTime("2026-11-23T12:00:00Z");
};

TEST_F(SimTeeTest, AReportVerifiesIntoClaims) {
  const Bytes report_data(64, 0xab);
  const Bytes evidence = *tee_.Report(report_data, now_);
  Result<Claims> claims = VerifySim(Inputs(evidence));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->platform, Platform::kSim);
  EXPECT_EQ(claims->product, "SIMULATED");
  EXPECT_EQ(ToHex(claims->measurement), ToHex(tee_.measurement()));
  EXPECT_EQ(claims->report_data, report_data);
  EXPECT_EQ(claims->evidence_time, now_);
  EXPECT_FALSE(claims->debug);
  // The claims survive their JSON form.
  EXPECT_EQ(Claims::FromJson(claims->ToJson())->ToJson(), claims->ToJson());
}

TEST_F(SimTeeTest, EverySignedByteAndSignatureByteIsProtected) {
  const Bytes evidence = *tee_.Report(Bytes(64, 1), now_);
  for (size_t i = 0; i < evidence.size(); ++i) {
    Bytes tampered = evidence;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(VerifySim(Inputs(tampered)).ok()) << "byte " << i;
  }
}

TEST_F(SimTeeTest, AnotherRootIsRefused) {
  const Bytes evidence = *tee_.Report({}, now_);
  const SimRoot other = *SimRoot::Create(crypto::SigningKey::Generate());
  const Status status = VerifySim({evidence, {other.certificate()}, {}, now_}).status();
  EXPECT_THAT(status.message(), HasSubstr("does not verify with a pinned root"));
  EXPECT_THAT(VerifySim({evidence, {}, {}, now_}).status().message(),
              HasSubstr("no SIMULATED TEE root is pinned"));
}

TEST_F(SimTeeTest, TheRootCertificateIsAFunctionOfTheKey) {
  const SimRoot again = *SimRoot::Create(root_.key());
  EXPECT_EQ(again.certificate().Fingerprint(), root_.certificate().Fingerprint());
}

TEST_F(SimTeeTest, SealingSecretsDifferPerProgramAndMachine) {
  const SimTee other_program(root_, MeasureProgram(AsBytes("binary2"), AsBytes("config")), {7});
  const SimTee other_machine(root_, tee_.measurement(), {8});
  EXPECT_NE(tee_.SealingSecret(), other_program.SealingSecret());
  EXPECT_NE(tee_.SealingSecret(), other_machine.SealingSecret());
  EXPECT_EQ(tee_.SealingSecret(), SimTee(root_, tee_.measurement(), {7}).SealingSecret());
}

TEST_F(SimTeeTest, MalformedReportsAreErrors) {
  EXPECT_FALSE(ParseSimReport(Bytes(10)).ok());
  EXPECT_FALSE(ParseSimReport(Bytes(kSimReportSize)).ok());
  EXPECT_FALSE(tee_.Report(Bytes(65), now_).ok());
}

}  // namespace
}  // namespace arca::tee
