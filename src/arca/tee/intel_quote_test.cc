// The Intel quote parser and the PCK extension reader, on real quotes captured on SGX and TDX
// hardware (testdata/attestation/{tdx,sgx}; each README names the source).
#include "arca/tee/intel_quote.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "arca/crypto/x509.h"
#include "arca/tee/intel_pck.h"

namespace arca::tee::intel {
namespace {

using ::testing::HasSubstr;

const std::string kSamples = ARCA_ATTESTATION_SAMPLES;

Bytes Sample(const std::string& path) {
  Result<Bytes> bytes = ReadFileBytes(kSamples + "/" + path);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : Bytes{};
}

Quote MustParse(const std::string& path) {
  Result<Quote> quote = ParseQuote(Sample(path));
  EXPECT_TRUE(quote.ok()) << path << ": " << quote.status().ToString();
  return quote.ok() ? *quote : Quote{};
}

PckExtensions PckOf(const Quote& quote) {
  Result<std::vector<crypto::Certificate>> chain =
      crypto::Certificate::AllFromPem(quote.pck_chain_pem);
  EXPECT_TRUE(chain.ok());
  if (!chain.ok()) return {};
  EXPECT_EQ(chain->size(), 3u);  // leaf, PCK CA, root
  Result<PckExtensions> ext = ReadPckExtensions(chain->front());
  EXPECT_TRUE(ext.ok()) << ext.status().ToString();
  return ext.ok() ? *ext : PckExtensions{};
}

// Offset of the signature data (after its u32 length) and its end, read from the raw quote.
size_t SignatureDataEnd(const Bytes& raw, const Quote& q) {
  const size_t at = q.signed_bytes.size();
  const uint32_t size = raw[at] | raw[at + 1] << 8 | raw[at + 2] << 16 | raw[at + 3] << 24;
  return at + 4 + size;
}

TEST(IntelQuoteTest, ParsesTdxQuoteV4) {
  const Quote q = MustParse("tdx/go-tdx-guest-spr-v4/quote.dat");
  EXPECT_EQ(q.header.version, 4);
  EXPECT_EQ(q.header.attestation_key_type, 2);
  EXPECT_EQ(q.header.tee_type, kTeeTypeTdx);
  EXPECT_EQ(q.body_type, BodyType::kTdReport10);
  ASSERT_TRUE(q.td.has_value());
  EXPECT_FALSE(q.enclave.has_value());
  EXPECT_EQ(q.signed_bytes.size(), kHeaderBytes + kTdReport10Bytes);
  EXPECT_EQ(q.td->tee_tcb_svn[0], 3);
  EXPECT_EQ(q.td->tee_tcb_svn[1], 0);
  EXPECT_EQ(q.td->tee_tcb_svn[2], 4);
  EXPECT_EQ(q.td->td_attributes[0], 0x00);  // not debug
  EXPECT_EQ(ToHex(q.td->td_attributes), "0000004000000000");
  EXPECT_FALSE(q.td->tee_tcb_svn2.has_value());
  EXPECT_EQ(q.qe_report.isv_svn, 4);
  EXPECT_EQ(q.qe_auth_data.size(), 32u);
  EXPECT_THAT(q.pck_chain_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_NE(q.pck_chain_pem.back(), '\0');
}

TEST(IntelQuoteTest, ParsesTdxQuoteV5WithTdx15Body) {
  const Quote q = MustParse("tdx/go-tdx-guest-v5-partial/quote_v5.dat");
  EXPECT_EQ(q.header.version, 5);
  EXPECT_EQ(q.body_type, BodyType::kTdReport15);
  ASSERT_TRUE(q.td.has_value());
  ASSERT_TRUE(q.td->tee_tcb_svn2.has_value());
  ASSERT_TRUE(q.td->mr_service_td.has_value());
  // The v5 signature covers the body descriptor (type and size) too.
  EXPECT_EQ(q.signed_bytes.size(), kHeaderBytes + 6 + kTdReport15Bytes);
  EXPECT_EQ(q.qe_report.isv_svn, 7);
  EXPECT_EQ(ToHex(PckOf(q).fmspc), "90c06f000000");
}

TEST(IntelQuoteTest, ParsesSgxQuoteV3) {
  const Quote q = MustParse("sgx/trustee-occlum/quote_v3.dat");
  EXPECT_EQ(q.header.version, 3);
  EXPECT_EQ(q.header.tee_type, kTeeTypeSgx);
  ASSERT_TRUE(q.enclave.has_value());
  EXPECT_EQ(q.signed_bytes.size(), kHeaderBytes + kEnclaveReportBytes);
  EXPECT_EQ(ToHex(q.enclave->mr_enclave).substr(0, 8), "8f173e46");
  EXPECT_EQ(ToHex(q.enclave->mr_enclave).substr(60), "1c68");
  EXPECT_EQ(ToHex(q.enclave->mr_signer).substr(0, 8), "83d719e7");
  EXPECT_EQ(q.enclave->isv_prod_id, 0);
  EXPECT_EQ(q.enclave->isv_svn, 0);
  EXPECT_NE(q.enclave->attributes[0] & 0x02, 0);  // DEBUG
  EXPECT_EQ(std::string(q.enclave->report_data.begin(), q.enclave->report_data.begin() + 4),
            "test");
  EXPECT_EQ(ToHex(q.qe_report.mr_signer).substr(0, 8), "8c4f5775");
  EXPECT_EQ(q.qe_report.isv_prod_id, 1);
  EXPECT_EQ(q.qe_report.isv_svn, 8);
}

TEST(IntelQuoteTest, IgnoresBytesAfterTheSignatureData) {
  // go-tdx-guest's sample ends with unsigned text; the COS quote with zero padding.
  for (const char* path : {"tdx/go-tdx-guest-spr-v4/quote.dat",
                           "tdx/go-tdx-guest-v5-partial/cos-113-tdx-quote_v4.dat"}) {
    const Bytes raw = Sample(path);
    const Quote q = MustParse(path);
    EXPECT_LT(SignatureDataEnd(raw, q), raw.size()) << path;
  }
}

TEST(IntelQuoteTest, ReadsPckExtensions) {
  const PckExtensions spr = PckOf(MustParse("tdx/go-tdx-guest-spr-v4/quote.dat"));
  EXPECT_EQ(ToHex(spr.fmspc), "50806f000000");
  EXPECT_EQ(ToHex(spr.pce_id), "0000");
  EXPECT_EQ(spr.pce_svn, 11);
  EXPECT_EQ(ToHex(spr.sgx_tcb_components), "03030202020100020000000000000000");
  EXPECT_EQ(spr.ppid.size(), 16u);

  const PckExtensions debug = PckOf(MustParse("tdx/trustee-v4-partial/tdx_quote_4_debug_td.dat"));
  EXPECT_EQ(ToHex(debug.fmspc), "50806f000000");
  EXPECT_EQ(ToHex(debug.sgx_tcb_components), "05050d02030100030000000000000000");
  EXPECT_EQ(debug.pce_svn, 11);

  EXPECT_EQ(ToHex(PckOf(MustParse("sgx/trustee-occlum/quote_v3.dat")).fmspc), "00606a000000");
  EXPECT_EQ(ToHex(PckOf(MustParse("tdx/trustee-v4-partial/quote.dat")).fmspc), "00a06d080000");
}

TEST(IntelQuoteTest, RefusesMalformedPckExtensions) {
  EXPECT_FALSE(ParsePckExtensions({}).ok());
  const Bytes not_a_sequence = {0x04, 0x01, 0x00};
  EXPECT_THAT(ParsePckExtensions(not_a_sequence).status().message(),
              HasSubstr("not a DER SEQUENCE"));
  const Bytes empty_sequence = {0x30, 0x00};
  EXPECT_THAT(ParsePckExtensions(empty_sequence).status().message(), HasSubstr("no PPID"));
}

TEST(IntelQuoteTest, EveryTruncationIsRefused) {
  for (const char* path :
       {"tdx/go-tdx-guest-spr-v4/quote.dat", "tdx/go-tdx-guest-v5-partial/quote_v5.dat",
        "sgx/trustee-occlum/quote_v3.dat"}) {
    const Bytes raw = Sample(path);
    const size_t end = SignatureDataEnd(raw, MustParse(path));
    for (size_t n = 0; n < end; ++n) {
      const Result<Quote> q = ParseQuote(ByteView(raw).first(n));
      ASSERT_FALSE(q.ok()) << path << " cut at " << n;
      EXPECT_EQ(q.status().code(), StatusCode::kDataLoss) << q.status().ToString();
    }
  }
}

TEST(IntelQuoteTest, RefusesUnknownVersionsAndTypes) {
  const Bytes tdx = Sample("tdx/go-tdx-guest-spr-v4/quote.dat");
  auto with = [&](size_t at, std::initializer_list<uint8_t> bytes) {
    Bytes b = tdx;
    std::copy(bytes.begin(), bytes.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
    return ParseQuote(b).status();
  };
  EXPECT_THAT(with(0, {2, 0}).message(), HasSubstr("quote version 2 is not supported"));
  EXPECT_THAT(with(0, {6, 0}).message(), HasSubstr("quote version 6 is not supported"));
  EXPECT_THAT(with(2, {3, 0}).message(), HasSubstr("attestation key type 3 is not supported"));
  EXPECT_THAT(with(4, {0x82}).message(), HasSubstr("TEE type 0x82 is unknown"));
  EXPECT_THAT(with(12, {0}).message(), HasSubstr("not Intel's Quoting Enclave"));
  EXPECT_THAT(with(0, {3, 0}).message(), HasSubstr("v3 quotes are SGX only"));
  // Certification data type at 48 + 584 + 4 + 128.
  EXPECT_THAT(with(764, {5, 0}).message(), HasSubstr("certification data type 5 is not supported"));
  // The nested type inside the QE report certification data.
  const Quote q = MustParse("tdx/go-tdx-guest-spr-v4/quote.dat");
  const size_t nested = 764 + 6 + 384 + 64 + 2 + q.qe_auth_data.size();
  EXPECT_THAT(with(nested, {3, 0}).message(),
              HasSubstr("PCK certification data type 3 is not supported"));

  const Bytes v5 = Sample("tdx/go-tdx-guest-v5-partial/quote_v5.dat");
  Bytes bad_type = v5;
  bad_type[48] = 9;
  EXPECT_THAT(ParseQuote(bad_type).status().message(), HasSubstr("body type 9 is unknown"));
  Bytes bad_size = v5;
  bad_size[50] = 0x89;
  EXPECT_THAT(ParseQuote(bad_size).status().message(), HasSubstr("does not match body type"));
  Bytes sgx_body = v5;
  sgx_body[48] = 1;
  sgx_body[50] = 0x80;  // 384 = 0x180
  sgx_body[51] = 0x01;
  EXPECT_THAT(ParseQuote(sgx_body).status().message(), HasSubstr("does not fit TEE type"));
}

TEST(IntelQuoteTest, RefusesInconsistentLengths) {
  const Bytes raw = Sample("tdx/go-tdx-guest-spr-v4/quote.dat");
  const Quote q = MustParse("tdx/go-tdx-guest-spr-v4/quote.dat");
  const size_t at = q.signed_bytes.size();
  // A longer signature-data length than the certification data explains.
  Bytes longer = raw;
  longer[at] = static_cast<uint8_t>(longer[at] + 1);
  EXPECT_THAT(ParseQuote(longer).status().message(), HasSubstr("after the certification data"));
  // A certification data size that overruns the signature data.
  Bytes overrun = raw;
  overrun[at + 4 + 128 + 2] = static_cast<uint8_t>(overrun[at + 4 + 128 + 2] + 1);
  EXPECT_THAT(ParseQuote(overrun).status().message(), HasSubstr("truncated"));
}

}  // namespace
}  // namespace arca::tee::intel
