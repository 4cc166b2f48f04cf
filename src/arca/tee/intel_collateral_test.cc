// Intel collateral parsing and TCB evaluation: the real SPR TCB info and TD_QE identity
// (testdata/attestation/tdx/go-tdx-guest-spr-v4) applied to the real debug TD quote, then
// varied field by field to walk through Intel's status rules (QVL's TcbLevelCheck,
// TdxModuleCheck and TDRelaunchCheck).
#include "arca/tee/intel_collateral.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "arca/crypto/public_key.h"

namespace arca::tee::intel {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kSamples = ARCA_ATTESTATION_SAMPLES;
const std::string kSpr = kSamples + "/tdx/go-tdx-guest-spr-v4/";

std::string Text(const std::string& path) {
  const Result<Bytes> b = ReadFileBytes(path);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? std::string(b->begin(), b->end()) : std::string();
}

class IntelTcbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Result<Bytes> raw =
        ReadFileBytes(kSamples + "/tdx/trustee-v4-partial/tdx_quote_4_debug_td.dat");
    ASSERT_TRUE(raw.ok());
    Result<Quote> q = ParseQuote(*raw);
    ASSERT_TRUE(q.ok());
    quote_ = *q;
    Result<std::vector<crypto::Certificate>> chain =
        crypto::Certificate::AllFromPem(quote_.pck_chain_pem);
    ASSERT_TRUE(chain.ok());
    Result<PckExtensions> pck = ReadPckExtensions(chain->front());
    ASSERT_TRUE(pck.ok());
    pck_ = *pck;
    Result<TcbInfo> info = ParseTcbInfo(Text(kSpr + "tcbinfo_fmspc_50806f000000.json"));
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    info_ = *info;
    Result<QeIdentity> qe = ParseQeIdentity(Text(kSpr + "qe_identity_td_qe.json"));
    ASSERT_TRUE(qe.ok()) << qe.status().ToString();
    qe_ = *qe;
  }

  Result<TcbVerdict> Evaluate() const { return EvaluateTcb(quote_, pck_, info_, qe_); }

  // A module identity TDX_01 with levels ISVSVN 6 UpToDate and 2 OutOfDate.
  void AddModuleIdentity() {
    TdxModuleIdentity m = *info_.tdx_module;
    m.id = "TDX_01";
    m.levels = {{6, "2024-11-13T00:00:00Z", "UpToDate", {}},
                {2, "2023-08-09T00:00:00Z", "OutOfDate", {"INTEL-SA-01036"}}};
    info_.tdx_module_identities = {m};
    quote_.td->tee_tcb_svn[1] = 1;
  }

  Quote quote_;
  PckExtensions pck_;
  TcbInfo info_;
  QeIdentity qe_;
};

TEST_F(IntelTcbTest, ParsesTheDocuments) {
  EXPECT_EQ(info_.id, "TDX");
  EXPECT_EQ(info_.version, 3);
  EXPECT_EQ(FormatTime(info_.issue_date), "2023-06-18T08:42:58Z");
  EXPECT_EQ(FormatTime(info_.next_update), "2023-07-18T08:42:58Z");
  EXPECT_EQ(ToHex(info_.fmspc), "50806f000000");
  EXPECT_EQ(info_.tcb_evaluation_data_number, 15);
  ASSERT_EQ(info_.levels.size(), 2u);
  EXPECT_EQ(info_.levels[1].pce_svn, 5);
  EXPECT_EQ(info_.levels[1].advisories.size(), 13u);
  EXPECT_EQ(ToHex(*info_.levels[0].tdx_components), "03000500000000000000000000000000");
  EXPECT_EQ(info_.signed_text.front(), '{');
  EXPECT_EQ(info_.signed_text.back(), '}');
  EXPECT_EQ(qe_.id, "TD_QE");
  EXPECT_EQ(qe_.isv_prod_id, 2);
  EXPECT_EQ(ToHex(qe_.mr_signer).substr(0, 8), "dc9e2a7c");
  ASSERT_EQ(qe_.levels.size(), 1u);
  EXPECT_EQ(qe_.levels[0].isv_svn, 4);
}

// Every real document's signature verifies over the value located in its raw text.
TEST(IntelCollateralTest, RealDocumentSignaturesVerify) {
  const Result<std::vector<crypto::Certificate>> chain =
      crypto::Certificate::AllFromPem(Text(kSpr + "tcb_info_issuer_chain.pem"));
  ASSERT_TRUE(chain.ok());
  const crypto::PublicKey key = chain->front().Key();
  for (const char* path : {"go-tdx-guest-spr-v4/tcbinfo_fmspc_50806f000000.json",
                           "go-tdx-guest-v5-partial/tcbinfo_fmspc_90c06f000000.json",
                           "trustee-v4-partial/tcbinfo_fmspc_00a06d080000.json"}) {
    const Result<TcbInfo> info = ParseTcbInfo(Text(kSamples + "/tdx/" + path));
    ASSERT_TRUE(info.ok()) << path << ": " << info.status().ToString();
    EXPECT_TRUE(crypto::VerifyEcdsaConcatenated(key, crypto::DigestAlgorithm::kSha256,
                                                AsBytes(info->signed_text), info->signature)
                    .ok())
        << path;
  }
  for (const char* path : {"go-tdx-guest-spr-v4/qe_identity_td_qe.json",
                           "trustee-v4-partial/qe_identity_td_qe.json"}) {
    const Result<QeIdentity> qe = ParseQeIdentity(Text(kSamples + "/tdx/" + path));
    ASSERT_TRUE(qe.ok()) << path << ": " << qe.status().ToString();
    EXPECT_TRUE(crypto::VerifyEcdsaConcatenated(key, crypto::DigestAlgorithm::kSha256,
                                                AsBytes(qe->signed_text), qe->signature)
                    .ok())
        << path;
  }
}

TEST_F(IntelTcbTest, RefusesMalformedDocuments) {
  EXPECT_THAT(ParseTcbInfo("").status().message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(ParseTcbInfo("[1]").status().message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(ParseTcbInfo(R"({"signature":"00"})").status().message(),
              HasSubstr("has no \"tcbInfo\""));
  const std::string text = Text(kSpr + "tcbinfo_fmspc_50806f000000.json");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    return ParseTcbInfo(t).status();
  };
  EXPECT_THAT(with("\"version\":3", "\"version\":2").message(),
              HasSubstr("TCB info version 2 is not supported"));
  EXPECT_THAT(with("\"id\":\"TDX\"", "\"id\":\"XYZ\"").message(),
              HasSubstr("id \"XYZ\" is unknown"));
  EXPECT_THAT(with("\"fmspc\":\"50806f000000\"", "\"fmspc\":\"50806f\"").message(),
              HasSubstr("\"fmspc\" is not 6 hex bytes"));
  EXPECT_THAT(with("\"pcesvn\":11", "\"pcesvn\":\"11\"").message(),
              HasSubstr("\"pcesvn\" has the wrong type"));
  EXPECT_THAT(with("\"pcesvn\":11", "\"pcesvn\":-1").message(),
              HasSubstr("\"pcesvn\" has the wrong type"));
  EXPECT_THAT(
      with("{\"svn\":5,\"category\":\"BIOS\",\"type\":\"Early Microcode Update\"},", "").message(),
      HasSubstr("has 15 entries, expected 16"));
  EXPECT_THAT(with("\"issueDate\":\"2023-06-18T08:42:58Z\"", "\"issueDate\":\"soon\"").message(),
              HasSubstr("\"issueDate\" is not a time"));
  EXPECT_THAT(with("\"signature\":\"f6", "\"signature\":\"zz").message(),
              HasSubstr("\"signature\" is not 64 hex bytes"));
  EXPECT_THAT(ParseQeIdentity(text).status().message(), HasSubstr("no \"enclaveIdentity\""));
}

TEST_F(IntelTcbTest, DebugTdIsUpToDate) {
  const Result<TcbVerdict> v = Evaluate();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->status, "UpToDate");
  EXPECT_EQ(v->platform_status, "UpToDate");
  EXPECT_EQ(v->qe_status, "UpToDate");
  EXPECT_EQ(v->tcb_date, "2023-02-15T00:00:00Z");
  EXPECT_TRUE(v->advisories.empty());
}

TEST_F(IntelTcbTest, LowerPceSvnFallsToTheOlderLevel) {
  pck_.pce_svn = 10;
  const Result<TcbVerdict> v = Evaluate();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, "OutOfDate");
  EXPECT_EQ(v->tcb_date, "2018-01-04T00:00:00Z");
  EXPECT_EQ(v->advisories.size(), 13u);
  EXPECT_EQ(v->advisories.front(), "INTEL-SA-00106");
}

TEST_F(IntelTcbTest, NoMatchingLevel) {
  pck_.sgx_tcb_components[0] = 4;
  EXPECT_THAT(Evaluate().status().message(),
              HasSubstr("no matching TCB level found in the TDX TCB info for FMSPC 50806f000000: "
                        "the PCK's SGX TCB components"));
  SetUp();
  quote_.td->tee_tcb_svn[2] = 4;
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("the TD's TEE_TCB_SVN"));
}

TEST_F(IntelTcbTest, QeStatusMergesIntoThePlatformStatus) {
  qe_.levels[0].status = "OutOfDate";
  qe_.levels[0].advisories = {"INTEL-SA-00999"};
  Result<TcbVerdict> v = Evaluate();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, "OutOfDate");
  EXPECT_EQ(v->platform_status, "UpToDate");
  EXPECT_THAT(v->advisories, ElementsAre("INTEL-SA-00999"));

  info_.levels[0].status = "ConfigurationNeeded";
  EXPECT_EQ(Evaluate()->status, "OutOfDateConfigurationNeeded");
  info_.levels[0].status = "SWHardeningNeeded";
  EXPECT_EQ(Evaluate()->status, "OutOfDate");
  qe_.levels[0].status = "Revoked";
  EXPECT_EQ(Evaluate()->status, "Revoked");
  qe_.levels[0].status = "UpToDate";
  EXPECT_EQ(Evaluate()->status, "SWHardeningNeeded");

  qe_.levels[0].isv_svn = 200;  // above the QE's ISVSVN: no level
  EXPECT_THAT(Evaluate().status().message(),
              HasSubstr("no matching TCB level found in the QE identity"));
}

TEST_F(IntelTcbTest, UnknownStatusesAreRefused) {
  info_.levels[0].status = "Fine";
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("unrecognized TCB status \"Fine\""));
  SetUp();
  qe_.levels[0].status = "ConfigurationNeeded";  // not a QE status
  EXPECT_EQ(Evaluate().status().code(), StatusCode::kDataLoss);
}

TEST_F(IntelTcbTest, QeReportMustMatchTheIdentity) {
  qe_.isv_prod_id = 1;
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("ISVPRODID 2 differs"));
  SetUp();
  qe_.attributes[0] ^= 0x01;
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("ATTRIBUTES"));
  SetUp();
  qe_.misc_select[0] = 1;
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("MISCSELECT"));
  SetUp();
  qe_.mr_signer[31] ^= 1;
  EXPECT_EQ(Evaluate().status().code(), StatusCode::kPermissionDenied);
  SetUp();
  qe_.id = "QE";
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("needs the \"TD_QE\" identity"));
}

TEST_F(IntelTcbTest, CollateralMustFitThePck) {
  pck_.fmspc[5] = 1;
  EXPECT_THAT(Evaluate().status().message(),
              HasSubstr("the TCB info is for FMSPC 50806f000000 but the PCK certificate is for "
                        "FMSPC 50806f000001"));
  SetUp();
  pck_.pce_id[0] = 1;
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("PCE id 0000"));
  SetUp();
  info_.id = "SGX";
  EXPECT_THAT(Evaluate().status().message(),
              HasSubstr("the TCB info is for SGX but the quote is TDX"));
}

TEST_F(IntelTcbTest, TdxModuleMustBeIntels) {
  quote_.td->mr_signer_seam[0] = 1;
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("MRSIGNERSEAM"));
  SetUp();
  quote_.td->seam_attributes[7] = 0x80;
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("SEAMATTRIBUTES"));
}

TEST_F(IntelTcbTest, TdxModuleIdentityDecidesTheModuleStatus) {
  AddModuleIdentity();
  // TEE_TCB_SVN[0] = 3: the module matches ISVSVN 2, OutOfDate; the platform level is UpToDate.
  Result<TcbVerdict> v = Evaluate();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->status, "OutOfDate");
  EXPECT_THAT(v->advisories, ElementsAre("INTEL-SA-01036"));
  // With a major version, TDX components 0 and 1 are the module's business, not the level's.
  quote_.td->tee_tcb_svn[0] = 7;
  info_.levels[0].tdx_components->at(0) = 50;
  v = Evaluate();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->status, "UpToDate");
  info_.tdx_module_identities[0].levels[0].status = "Revoked";
  EXPECT_EQ(Evaluate()->status, "Revoked");
  // Ids compare case-insensitively; a missing identity is refused.
  info_.tdx_module_identities[0].id = "tdx_01";
  EXPECT_TRUE(Evaluate().ok());
  info_.tdx_module_identities[0].id = "TDX_02";
  EXPECT_THAT(Evaluate().status().message(), HasSubstr("no TDX module identity TDX_01"));
  SetUp();
  AddModuleIdentity();
  quote_.td->tee_tcb_svn[0] = 1;
  EXPECT_THAT(Evaluate().status().message(),
              HasSubstr("no matching TCB level found for TDX module TDX_01 ISVSVN 1"));
}

TEST_F(IntelTcbTest, Tdx15RelaunchAdvised) {
  AddModuleIdentity();  // module ISVSVN 3 -> OutOfDate
  quote_.td->tee_tcb_svn2 = std::array<uint8_t, 16>{6, 1, 5};
  EXPECT_EQ(Evaluate()->status, "TDRelaunchAdvised");
  info_.levels[0].status = "ConfigurationNeeded";
  EXPECT_EQ(Evaluate()->status, "TDRelaunchAdvisedConfigurationNeeded");
  info_.levels[0].status = "UpToDate";
  quote_.td->tee_tcb_svn2 = std::array<uint8_t, 16>{5, 1, 5};  // a relaunch would not help
  EXPECT_EQ(Evaluate()->status, "OutOfDate");
  quote_.td->tee_tcb_svn2 = std::array<uint8_t, 16>{5, 0, 5};  // major 0: the level's SVN 0
  EXPECT_EQ(Evaluate()->status, "TDRelaunchAdvised");
  qe_.levels[0].status = "OutOfDate";  // an out-of-date QE: no relaunch advice
  EXPECT_EQ(Evaluate()->status, "OutOfDate");
}

}  // namespace
}  // namespace arca::tee::intel
