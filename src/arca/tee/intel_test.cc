// VerifyTdx and VerifySgx end to end.
//
// Real evidence and collateral (testdata/attestation/{tdx,sgx}; READMEs name the sources) show
// the checks pass on genuine hardware quotes and fail with the right reason when time moves
// on. Synthetic PKIs built here with OpenSSL (a test root, PCK CA, PCK leaf carrying a real
// SGX extension, TCB Signing certificate, CRLs) re-sign real quote bodies, so that revocation,
// stale CRLs and collateral variants can be exercised; those tests never pin the Intel root.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "arca/crypto/hash.h"
#include "arca/crypto/public_key.h"
#include "arca/crypto/x509.h"
#include "arca/tee/intel_collateral.h"
#include "arca/tee/intel_verify.h"
#include "arca/tee/verifier.h"

namespace arca::tee::intel {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSamples = ARCA_ATTESTATION_SAMPLES;
const std::string kSpr = "tdx/go-tdx-guest-spr-v4/";
const std::string kSprQuote = kSpr + "quote.dat";
const std::string kDebugQuote = "tdx/trustee-v4-partial/tdx_quote_4_debug_td.dat";
const std::string kSgxQuote = "sgx/trustee-occlum/quote_v3.dat";
const std::string kV5Quote = "tdx/go-tdx-guest-v5-partial/quote_v5.dat";

UnixTime At(const char* text) {
  Result<UnixTime> t = ParseTime(text);
  EXPECT_TRUE(t.ok());
  return t.ok() ? *t : UnixTime{};
}

// The instant at which all of the go-tdx-guest SPR collateral is current (its README).
const UnixTime kSprAt = At("2023-07-01T01:00:00Z");

Bytes Sample(const std::string& path) {
  Result<Bytes> bytes = ReadFileBytes(kSamples + "/" + path);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : Bytes{};
}

std::string Text(const std::string& path) {
  const Bytes b = Sample(path);
  return std::string(b.begin(), b.end());
}

std::vector<crypto::Certificate> Pem(const std::string& path) {
  Result<std::vector<crypto::Certificate>> certs = crypto::Certificate::AllFromPem(Text(path));
  EXPECT_TRUE(certs.ok()) << path;
  return certs.ok() ? *certs : std::vector<crypto::Certificate>{};
}

crypto::Crl CrlFile(const std::string& path) {
  Result<crypto::Crl> crl = crypto::Crl::Parse(Sample(path));
  EXPECT_TRUE(crl.ok()) << path;
  return *crl;
}

Quote MustParse(ByteView raw) {
  Result<Quote> q = ParseQuote(raw);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return q.ok() ? *q : Quote{};
}

// The evidence bytes live here so that VerifyInputs can point at them.
struct Case {
  Bytes evidence;
  VerifyInputs in;
  void Set(Bytes bytes) {
    evidence = std::move(bytes);
    in.evidence = evidence;
  }
};

// A quote with the complete go-tdx-guest SPR collateral set: Intel root pinned, TCB info, QE
// identity, their issuer chains, and both CRLs.
Case SprCase(const std::string& quote, UnixTime at, bool with_crls = true) {
  Case c;
  c.Set(Sample(quote));
  c.in.anchors = Pem("tdx/intel-root/intel_sgx_root_ca.pem");
  for (const char* chain : {"tcb_info_issuer_chain.pem", "qe_identity_issuer_chain.pem"}) {
    for (const crypto::Certificate& cert : Pem(kSpr + chain)) {
      c.in.collateral.intermediates.push_back(cert);
    }
  }
  if (with_crls) {
    c.in.collateral.crls = {CrlFile(kSpr + "pck_platform_crl.der"),
                            CrlFile(kSpr + "root_ca_crl.der")};
  }
  c.in.collateral.tcb_info = Text(kSpr + "tcbinfo_fmspc_50806f000000.json");
  c.in.collateral.qe_identity = Text(kSpr + "qe_identity_td_qe.json");
  c.in.at = at;
  return c;
}

// ---- A synthetic PKI and quote re-signing ----

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

KeyPtr NewKey() { return KeyPtr(EVP_EC_gen("P-256")); }

time_t Seconds(UnixTime t) { return static_cast<time_t>(t.time_since_epoch().count()); }

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, signed by `issuer` (self-signed when null).
crypto::Certificate MakeCert(const std::string& cn, EVP_PKEY* key,
                             const crypto::Certificate* issuer, EVP_PKEY* issuer_key, bool ca,
                             int64_t serial, const Bytes* sgx_extension = nullptr) {
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set_int64(X509_get_serialNumber(x), serial);
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_subject_name(x, name);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->get()) : name);
  X509_NAME_free(name);
  ASN1_TIME_set(X509_getm_notBefore(x), Seconds(At("2024-01-01T00:00:00Z")));
  ASN1_TIME_set(X509_getm_notAfter(x), Seconds(At("2025-01-01T00:00:00Z")));
  X509_set_pubkey(x, key);
  X509* issuer_x = issuer ? issuer->get() : x;
  AddExtension(x, issuer_x, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (ca) AddExtension(x, issuer_x, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (sgx_extension != nullptr) {
    ASN1_OBJECT* oid = OBJ_txt2obj(kSgxExtensionOid, 1);
    ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(value, sgx_extension->data(), static_cast<int>(sgx_extension->size()));
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(value);
    ASN1_OBJECT_free(oid);
  }
  X509_sign(x, issuer_key, EVP_sha256());
  crypto::Certificate cert = crypto::Certificate::FromOpenSsl(x);
  X509_free(x);
  return cert;
}

crypto::Crl MakeCrl(const crypto::Certificate& issuer, EVP_PKEY* key, const char* this_update,
                    const char* next_update, const std::vector<int64_t>& revoked) {
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.get()));
  ASN1_TIME* last = ASN1_TIME_set(nullptr, Seconds(At(this_update)));
  ASN1_TIME* next = ASN1_TIME_set(nullptr, Seconds(At(next_update)));
  X509_CRL_set1_lastUpdate(crl, last);
  X509_CRL_set1_nextUpdate(crl, next);
  for (const int64_t serial : revoked) {
    X509_REVOKED* entry = X509_REVOKED_new();
    ASN1_INTEGER* number = ASN1_INTEGER_new();
    ASN1_INTEGER_set_int64(number, serial);
    X509_REVOKED_set_serialNumber(entry, number);
    X509_REVOKED_set_revocationDate(entry, last);
    X509_CRL_add0_revoked(crl, entry);
    ASN1_INTEGER_free(number);
  }
  X509_CRL_sort(crl);
  X509_CRL_sign(crl, key, EVP_sha256());
  unsigned char* der = nullptr;
  const int size = i2d_X509_CRL(crl, &der);
  Result<crypto::Crl> out = crypto::Crl::FromDer(ByteView(der, static_cast<size_t>(size)));
  OPENSSL_free(der);
  ASN1_TIME_free(last);
  ASN1_TIME_free(next);
  X509_CRL_free(crl);
  return *out;
}

// ECDSA P-256 over SHA-256, as big-endian r || s.
Bytes SignRs(EVP_PKEY* key, ByteView message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t size = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, nullptr, &size, message.data(), message.size());
  Bytes der(size);
  EVP_DigestSign(ctx, der.data(), &size, message.data(), message.size());
  EVP_MD_CTX_free(ctx);
  const unsigned char* p = der.data();
  // NOLINTNEXTLINE(google-runtime-int): OpenSSL's d2i functions take a long length.
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(size));
  Bytes out(64);
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), out.data(), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), out.data() + 32, 32);
  ECDSA_SIG_free(sig);
  return out;
}

std::string ToPem(const crypto::Certificate& cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert.get());
  char* data = nullptr;
  const auto size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

void PutU16(Bytes& out, size_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}
void PutU32(Bytes& out, size_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Append(Bytes& out, ByteView bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }

// The wire form of a parsed quote (the inverse of ParseQuote).
Bytes Serialize(const Quote& q) {
  Bytes qe = q.qe_report_bytes;
  Append(qe, q.qe_report_signature);
  PutU16(qe, q.qe_auth_data.size());
  Append(qe, q.qe_auth_data);
  PutU16(qe, 5);
  PutU32(qe, q.pck_chain_pem.size());
  Append(qe, AsBytes(q.pck_chain_pem));
  Bytes sig;
  Append(sig, q.signature);
  Append(sig, q.attestation_key);
  if (q.header.version != 3) {
    PutU16(sig, 6);
    PutU32(sig, qe.size());
  }
  Append(sig, qe);
  Bytes out = q.signed_bytes;
  PutU32(out, sig.size());
  Append(out, sig);
  return out;
}

// A PKI standing in for Intel's: root -> PCK CA -> PCK leaf, and root -> TCB Signing.
struct TestPki {
  KeyPtr root_key = NewKey(), ca_key = NewKey(), pck_key = NewKey(), tcb_key = NewKey(),
         attestation_key = NewKey();
  // Named as Intel's root is, which the verifier requires of an anchor; the key is ours.
  crypto::Certificate root =
      MakeCert("Intel SGX Root CA", root_key.get(), nullptr, root_key.get(), true, 1);
  crypto::Certificate ca =
      MakeCert("Arca Test PCK Platform CA", ca_key.get(), &root, root_key.get(), true, 2);
  crypto::Certificate tcb_signing =
      MakeCert("Arca Test TCB Signing", tcb_key.get(), &root, root_key.get(), false, 3);
  static constexpr int64_t kPckSerial = 4;

  // Re-issues the quote's PCK (same SGX extension) and re-signs the QE report and quote.
  Bytes Resign(Quote q) const {
    Result<std::vector<crypto::Certificate>> chain =
        crypto::Certificate::AllFromPem(q.pck_chain_pem);
    const Bytes extension = *chain->front().Extension(kSgxExtensionOid);
    const crypto::Certificate pck = MakeCert("Arca Test SGX PCK Certificate", pck_key.get(), &ca,
                                             ca_key.get(), false, kPckSerial, &extension);
    q.pck_chain_pem = ToPem(pck) + ToPem(ca) + ToPem(root);
    uint8_t point[65] = {};
    size_t size = 0;
    EVP_PKEY_get_octet_string_param(attestation_key.get(), OSSL_PKEY_PARAM_PUB_KEY, point,
                                    sizeof(point), &size);
    std::copy(point + 1, point + 65, q.attestation_key.begin());
    const crypto::Sha256Digest binding = crypto::Sha256({q.attestation_key, q.qe_auth_data});
    std::copy(binding.begin(), binding.end(), q.qe_report_bytes.begin() + 320);
    std::fill(q.qe_report_bytes.begin() + 352, q.qe_report_bytes.end(), 0);
    const Bytes qe_sig = SignRs(pck_key.get(), q.qe_report_bytes);
    std::copy(qe_sig.begin(), qe_sig.end(), q.qe_report_signature.begin());
    const Bytes sig = SignRs(attestation_key.get(), q.signed_bytes);
    std::copy(sig.begin(), sig.end(), q.signature.begin());
    return Serialize(q);
  }

  // A collateral document {"<key>": body, "signature": ...}, signed by the test TCB key.
  std::string Sign(const char* key, const nlohmann::json& body,
                   bool signature_first = false) const {
    const std::string text = body.dump();
    const std::string signature =
        fmt::format(R"("signature": "{}")", ToHex(SignRs(tcb_key.get(), AsBytes(text))));
    const std::string value = fmt::format(R"("{}":{})", key, text);
    return signature_first ? fmt::format("{{ {},\n  {} }}\n", signature, value)
                           : fmt::format("{{{},{}}}", value, signature);
  }
};

const UnixTime kTestAt = At("2024-06-01T00:00:00Z");

// The value of `key` in a real collateral document, with new validity dates.
nlohmann::json Body(const std::string& document, const char* key) {
  nlohmann::json body = nlohmann::json::parse(document)[key];
  body["issueDate"] = "2024-05-01T00:00:00Z";
  body["nextUpdate"] = "2024-07-01T00:00:00Z";
  return body;
}

// The debug TD quote re-signed by the test PKI, with test-signed copies of the SPR collateral.
Case SyntheticTdxCase(const TestPki& pki) {
  Case c;
  c.Set(pki.Resign(MustParse(Sample(kDebugQuote))));
  c.in.anchors = {pki.root};
  c.in.collateral.intermediates = {pki.tcb_signing, pki.root};
  c.in.collateral.tcb_info =
      pki.Sign("tcbInfo", Body(Text(kSpr + "tcbinfo_fmspc_50806f000000.json"), "tcbInfo"));
  c.in.collateral.qe_identity =
      pki.Sign("enclaveIdentity", Body(Text(kSpr + "qe_identity_td_qe.json"), "enclaveIdentity"));
  c.in.at = kTestAt;
  return c;
}

// ---- Real TDX evidence ----

TEST(IntelTdxTest, SprQuoteAuthenticatesButMatchesNoTcbLevel) {
  const Case c = SprCase(kSprQuote, kSprAt);
  const Result<AuthenticatedQuote> auth = AuthenticateQuote(c.in, kTeeTypeTdx);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(auth->pck_chain.size(), 3u);
  EXPECT_EQ(auth->pck_chain.back().CommonName(), "Intel SGX Root CA");
  // The trimmed TCB info needs SGX components >= 5,5,2,2,3,1,0,3; this PCK has 3,3,2,2,2,1,0,2.
  const Result<Claims> claims = VerifyTdx(c.in);
  ASSERT_FALSE(claims.ok());
  EXPECT_EQ(claims.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(claims.status().message(),
              AllOf(HasSubstr("no matching TCB level found"), HasSubstr("50806f000000")));
}

TEST(IntelTdxTest, DebugTdQuoteIsUpToDateAndSaysDebug) {
  const Case c = SprCase(kDebugQuote, kSprAt);
  const Result<Claims> claims = VerifyTdx(c.in);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  const Quote q = MustParse(c.evidence);
  EXPECT_EQ(claims->platform, Platform::kTdx);
  EXPECT_EQ(claims->tcb_status, "UpToDate");
  EXPECT_TRUE(claims->advisories.empty());
  EXPECT_TRUE(claims->debug);
  EXPECT_EQ(claims->signer, "PCK");
  EXPECT_EQ(ToHex(claims->chip_id), "50806f000000");
  EXPECT_EQ(claims->measurement, Bytes(q.td->mr_td.begin(), q.td->mr_td.end()));
  EXPECT_EQ(claims->report_data, Bytes(q.td->report_data.begin(), q.td->report_data.end()));
  for (const char* name : {"rtmr0", "rtmr1", "rtmr2", "rtmr3", "mrconfigid", "mrowner",
                           "mrownerconfig", "mrseam", "mrsignerseam", "td_attributes", "xfam"}) {
    EXPECT_TRUE(claims->measurements.count(name)) << name;
  }
  EXPECT_EQ(claims->measurements.at("rtmr3"), Bytes(q.td->rtmr[3].begin(), q.td->rtmr[3].end()));
  EXPECT_EQ(claims->tcb.at("tee_tcb_svn.0"), 3u);
  EXPECT_EQ(claims->tcb.at("tee_tcb_svn.2"), 5u);
  EXPECT_EQ(claims->tcb.at("pce_svn"), 11u);
  EXPECT_EQ(claims->tcb.at("sgx_tcb_comp.2"), 13u);
  EXPECT_EQ(claims->tcb.at("qe_isv_svn"), q.qe_report.isv_svn);
  EXPECT_FALSE(claims->evidence_time.has_value());
}

TEST(IntelTdxTest, StaleCollateralAndExpiredSignerAreDistinctErrors) {
  // November 2026: the PCK CRL expired in July 2023 (checked with the PCK chain first).
  const Status crl = VerifyTdx(SprCase(kDebugQuote, At("2026-11-23T00:00:00Z")).in).status();
  EXPECT_EQ(crl.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(crl.message(), AllOf(HasSubstr("collateral is not current"),
                                   HasSubstr("CRL of 'Intel SGX PCK Platform CA'")));
  // Without CRLs, the TCB Signing certificate (valid to 2025-05-21) is what fails.
  const Status signer =
      VerifyTdx(SprCase(kDebugQuote, At("2026-11-23T00:00:00Z"), false).in).status();
  EXPECT_THAT(signer.message(),
              AllOf(HasSubstr("TDX TCB info for FMSPC 50806f000000 signing certificate"),
                    HasSubstr("'Intel SGX TCB Signing' expired at 2025-05-21"),
                    Not(HasSubstr("collateral is not current"))));
  // In August 2023 every certificate is valid but the TCB info is past its nextUpdate.
  const Status stale =
      VerifyTdx(SprCase(kDebugQuote, At("2023-08-01T00:00:00Z"), false).in).status();
  EXPECT_EQ(stale.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(stale.message(),
            "collateral is not current: the TDX TCB info for FMSPC 50806f000000 expired: "
            "nextUpdate 2023-07-18T08:42:58Z is before the verification time "
            "2023-08-01T00:00:00Z");
  // Before the TCB info was issued.
  const Status early =
      VerifyTdx(SprCase(kDebugQuote, At("2023-06-10T00:00:00Z"), false).in).status();
  EXPECT_THAT(early.message(), AllOf(HasSubstr("collateral is not current"),
                                     HasSubstr("was issued at 2023-06-18T08:42:58Z")));
  EXPECT_NE(crl.message(), signer.message());
  EXPECT_NE(signer.message(), stale.message());
  EXPECT_NE(crl.message(), stale.message());
}

TEST(IntelTdxTest, MissingCollateralIsNamed) {
  Case c = SprCase(kDebugQuote, kSprAt);
  c.in.collateral.tcb_info.reset();
  const Status no_tcb = VerifyTdx(c.in).status();
  EXPECT_EQ(no_tcb.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_tcb.message(),
              AllOf(HasSubstr("needs the TCB info collateral for FMSPC 50806f000000"),
                    HasSubstr("https://api.trustedservices.intel.com/tdx/certification/v4/"
                              "tcb?fmspc=50806f000000")));
  c = SprCase(kDebugQuote, kSprAt);
  c.in.collateral.qe_identity.reset();
  EXPECT_THAT(VerifyTdx(c.in).status().message(),
              AllOf(HasSubstr("needs the QE identity collateral"),
                    HasSubstr("tdx/certification/v4/qe/identity")));
  c = SprCase(kDebugQuote, kSprAt);
  c.in.collateral.intermediates.clear();
  EXPECT_THAT(VerifyTdx(c.in).status().message(),
              HasSubstr("no 'Intel SGX TCB Signing' certificate among the collateral"));
}

TEST(IntelTdxTest, RefusesForeignOrMissingAnchors) {
  Case c = SprCase(kDebugQuote, kSprAt);
  c.in.anchors = Pem("nitro/evervault/aws_nitro_enclaves_root_g1.pem");
  const Status foreign = VerifyTdx(c.in).status();
  EXPECT_EQ(foreign.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(foreign.message(),
            "no 'Intel SGX Root CA' certificate among the 1 pinned trust anchors");
  c.in.anchors.clear();
  EXPECT_THAT(VerifyTdx(c.in).status().message(), HasSubstr("among the 0 pinned trust anchors"));
  // A root named like Intel's but with another key anchors nothing of Intel's.
  const TestPki pki;
  c.in.anchors = {pki.root};
  const Status impostor = VerifyTdx(c.in).status();
  EXPECT_EQ(impostor.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(impostor.message(), AllOf(HasSubstr("Intel PCK certificate chain"),
                                        HasSubstr("does not reach a pinned trust anchor")));
  // And the other way round: a quote re-signed by the test PKI against Intel's real root.
  Case synthetic = SyntheticTdxCase(pki);
  synthetic.in.anchors = Pem("tdx/intel-root/intel_sgx_root_ca.pem");
  EXPECT_THAT(VerifyTdx(synthetic.in).status().message(),
              HasSubstr("does not reach a pinned trust anchor"));
}

TEST(IntelTdxTest, RefusesCollateralOfAnotherPlatform) {
  Case c = SprCase(kDebugQuote, kSprAt);
  // The QE identity document where the TCB info belongs: the wrong document is refused.
  c.in.collateral.tcb_info = c.in.collateral.qe_identity;
  EXPECT_THAT(VerifyTdx(c.in).status().message(), HasSubstr("TCB info has no \"tcbInfo\""));
}

TEST(IntelTdxTest, RefusesTheOtherTee) {
  Case c = SprCase(kDebugQuote, kSprAt);
  EXPECT_THAT(VerifySgx(c.in).status().message(), HasSubstr("is an Intel TDX quote, not SGX"));
  c.Set(Sample(kSgxQuote));
  EXPECT_THAT(VerifyTdx(c.in).status().message(), HasSubstr("is an Intel SGX quote, not TDX"));
}

// Every single-byte change of what the signatures cover is refused: header and body (the
// attestation key's signature), the signature itself, the attestation key, the QE report, its
// signature and the QE authentication data (the PCK's signature and the key binding).
TEST(IntelTdxTest, RefusesEverySingleByteChange) {
  Case c = SprCase(kDebugQuote, kSprAt);
  ASSERT_TRUE(VerifyTdx(c.in).ok());
  const Bytes original = c.evidence;
  const Quote q = MustParse(original);
  const size_t sig = q.signed_bytes.size() + 4;  // signature, then attestation key
  const size_t qe = sig + 128 + 6;               // after the certification data type and size
  std::vector<std::pair<size_t, size_t>> ranges = {{0, q.signed_bytes.size()},
                                                   {sig, sig + 128},
                                                   {qe, qe + 384 + 64 + 2 + q.qe_auth_data.size()}};
  size_t tried = 0;
  for (const auto& [begin, end] : ranges) {
    for (size_t i = begin; i < end; ++i) {
      for (const uint8_t flip : {0x01, 0x80}) {
        Bytes tampered = original;
        tampered[i] ^= flip;
        c.Set(tampered);
        ASSERT_FALSE(VerifyTdx(c.in).ok()) << "byte " << i << " ^ " << int{flip};
        ++tried;
      }
    }
  }
  EXPECT_EQ(tried, 2 * (632 + 128 + 384 + 64 + 2 + 32));
}

TEST(IntelTdxTest, TamperedHeaderOrSignatureNamesTheQuoteSignature) {
  Case c = SprCase(kDebugQuote, kSprAt);
  Bytes tampered = c.evidence;
  tampered[200] ^= 1;  // inside MRTD
  c.Set(tampered);
  EXPECT_EQ(VerifyTdx(c.in).status().message(),
            "Intel quote signature does not verify with the attestation key");
  const size_t qe_report = 632 + 4 + 128 + 6;
  tampered = SprCase(kDebugQuote, kSprAt).evidence;
  tampered[qe_report + 10] ^= 1;
  c.Set(tampered);
  EXPECT_EQ(VerifyTdx(c.in).status().message(),
            "Intel QE report signature does not verify with the PCK certificate");
}

// Every single-character change of the signed "tcbInfo" / "enclaveIdentity" value is refused.
TEST(IntelTdxTest, RefusesTamperedCollateral) {
  const Case c = SprCase(kDebugQuote, kSprAt);
  const crypto::ChainInputs signer{c.in.anchors, c.in.collateral.intermediates, {}, kSprAt};
  const std::string tcb_text = *c.in.collateral.tcb_info;
  const std::string qe_text = *c.in.collateral.qe_identity;
  ASSERT_TRUE(VerifyTcbInfo(*ParseTcbInfo(tcb_text), signer).ok());
  ASSERT_TRUE(VerifyQeIdentity(*ParseQeIdentity(qe_text), signer).ok());
  const size_t tcb_begin = tcb_text.find('{', 1);
  const size_t tcb_end = tcb_text.find(",\"signature\"");
  for (size_t i = tcb_begin; i < tcb_end; ++i) {
    std::string tampered = tcb_text;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    const Result<TcbInfo> info = ParseTcbInfo(tampered);
    ASSERT_TRUE(!info.ok() || !VerifyTcbInfo(*info, signer).ok()) << "character " << i;
  }
  const size_t qe_begin = qe_text.find('{', 1);
  const size_t qe_end = qe_text.find(",\"signature\"");
  for (size_t i = qe_begin; i < qe_end; ++i) {
    std::string tampered = qe_text;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    const Result<QeIdentity> qe = ParseQeIdentity(tampered);
    ASSERT_TRUE(!qe.ok() || !VerifyQeIdentity(*qe, signer).ok()) << "character " << i;
  }
  // End to end: one digit of an SVN in the signed value.
  Case tampered = SprCase(kDebugQuote, kSprAt);
  std::string text = tcb_text;
  text.replace(text.find("\"pcesvn\":11"), 11, "\"pcesvn\":10");
  tampered.in.collateral.tcb_info = text;
  const Status status = VerifyTdx(tampered.in).status();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(status.message(),
            "TDX TCB info for FMSPC 50806f000000 signature does not verify with the Intel SGX "
            "TCB Signing key");
}

TEST(IntelTdxTest, V5QuoteAuthenticatesAndEvaluatesWithTdxModuleIdentity) {
  // Upstream pins 2026-02-03; the repository's TCB Signing certificate expired before, so the
  // TCB info signature is checked with its key directly, and the rest through EvaluateTcb.
  Case c = SprCase(kV5Quote, At("2026-02-03T00:00:00Z"), false);
  const Result<AuthenticatedQuote> auth = AuthenticateQuote(c.in, kTeeTypeTdx);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  const Result<TcbInfo> info =
      ParseTcbInfo(Text("tdx/go-tdx-guest-v5-partial/tcbinfo_fmspc_90c06f000000.json"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->tdx_module_identities.size(), 2u);
  const crypto::Certificate tcb_signing = Pem(kSpr + "tcb_info_issuer_chain.pem").front();
  EXPECT_TRUE(crypto::VerifyEcdsaConcatenated(tcb_signing.Key(), crypto::DigestAlgorithm::kSha256,
                                              AsBytes(info->signed_text), info->signature)
                  .ok());
  const crypto::ChainInputs signer{c.in.anchors, c.in.collateral.intermediates, {}, c.in.at};
  EXPECT_THAT(VerifyTcbInfo(*info, signer).message(), HasSubstr("expired at 2025-05-21"));
  // PCK 4,4,2,2,4,1,0,5 / PCESVN 13 and TEE_TCB_SVN 0b 01 04 meet the first level (TDX
  // components from index 2, as the module major version is 1); module TDX_01 ISVSVN 11 >= 6.
  const Result<TcbVerdict> verdict =
      EvaluateTcb(auth->quote, auth->pck, *info, *ParseQeIdentity(*c.in.collateral.qe_identity));
  ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
  EXPECT_EQ(verdict->status, "UpToDate");
  EXPECT_TRUE(verdict->advisories.empty());
  // The SPR TCB info is for another FMSPC.
  const Status wrong = EvaluateTcb(auth->quote, auth->pck, *ParseTcbInfo(*c.in.collateral.tcb_info),
                                   *ParseQeIdentity(*c.in.collateral.qe_identity))
                           .status();
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.message(),
              HasSubstr("the TCB info is for FMSPC 50806f000000 but the PCK certificate is for "
                        "FMSPC 90c06f000000"));
}

// ---- Real SGX evidence ----

TEST(IntelSgxTest, QuoteAuthenticatesAndMissingTcbInfoIsReported) {
  Case c;
  c.Set(Sample(kSgxQuote));
  c.in.anchors = Pem("tdx/intel-root/intel_sgx_root_ca.pem");
  c.in.at = At("2026-11-23T00:00:00Z");
  const Result<AuthenticatedQuote> auth = AuthenticateQuote(c.in, kTeeTypeSgx);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(ToHex(auth->pck.fmspc), "00606a000000");
  EXPECT_NE(auth->quote.enclave->attributes[0] & 0x02, 0);  // a debug enclave
  const Status missing = VerifySgx(c.in).status();
  EXPECT_EQ(missing.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.message(),
              AllOf(HasSubstr("Intel SGX verification needs the TCB info collateral for FMSPC "
                              "00606a000000"),
                    HasSubstr("sgx/certification/v4/tcb?fmspc=00606a000000")));
}

TEST(IntelSgxTest, RefusesEverySingleByteChangeOfTheSignedQuote) {
  Case c;
  c.Set(Sample(kSgxQuote));
  c.in.anchors = Pem("tdx/intel-root/intel_sgx_root_ca.pem");
  c.in.at = At("2026-11-23T00:00:00Z");
  const Bytes original = c.evidence;
  const size_t sig = kHeaderBytes + kEnclaveReportBytes + 4;
  for (const auto& [begin, end] :
       std::vector<std::pair<size_t, size_t>>{{0, sig - 4}, {sig, sig + 128 + 384 + 64}}) {
    for (size_t i = begin; i < end; ++i) {
      Bytes tampered = original;
      tampered[i] ^= 0x01;
      c.Set(tampered);
      ASSERT_FALSE(AuthenticateQuote(c.in, kTeeTypeSgx).ok()) << "byte " << i;
    }
  }
}

// ---- Synthetic PKI: revocation, stale CRLs, full SGX claims ----

TEST(IntelSyntheticTest, ResignedTdxQuoteVerifies) {
  const TestPki pki;
  const Case c = SyntheticTdxCase(pki);
  const Result<Claims> claims = VerifyTdx(c.in);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->tcb_status, "UpToDate");
  EXPECT_TRUE(claims->debug);
}

TEST(IntelSyntheticTest, SignatureIsOverTheExactValueWhereverItSits) {
  const TestPki pki;
  Case c = SyntheticTdxCase(pki);
  c.in.collateral.tcb_info =
      pki.Sign("tcbInfo", Body(Text(kSpr + "tcbinfo_fmspc_50806f000000.json"), "tcbInfo"), true);
  EXPECT_TRUE(VerifyTdx(c.in).ok());
  // Whitespace inside the signed value is signed too.
  const std::string& signed_document = *c.in.collateral.tcb_info;
  const size_t at = signed_document.find(R"("fmspc")");
  ASSERT_NE(at, std::string::npos);
  c.in.collateral.tcb_info =
      fmt::format("{} {}", signed_document.substr(0, at), signed_document.substr(at));
  EXPECT_THAT(VerifyTdx(c.in).status().message(), HasSubstr("signature does not verify"));
  // A second "tcbInfo" is refused rather than guessed at.
  c.in.collateral.tcb_info = fmt::format(R"({{"tcbInfo":{{}},{})",
                                         SyntheticTdxCase(pki).in.collateral.tcb_info->substr(1));
  EXPECT_THAT(VerifyTdx(c.in).status().message(), HasSubstr("has \"tcbInfo\" twice"));
}

TEST(IntelSyntheticTest, RevokedPckIsRefused) {
  const TestPki pki;
  Case c = SyntheticTdxCase(pki);
  c.in.collateral.crls = {MakeCrl(pki.ca, pki.ca_key.get(), "2024-05-01T00:00:00Z",
                                  "2024-07-01T00:00:00Z", {TestPki::kPckSerial})};
  const Status revoked = VerifyTdx(c.in).status();
  EXPECT_EQ(revoked.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(revoked.message(), AllOf(HasSubstr("Intel PCK certificate chain"),
                                       HasSubstr("'Arca Test SGX PCK Certificate' is revoked")));
  // A CRL that lists another serial is fine.
  c.in.collateral.crls = {
      MakeCrl(pki.ca, pki.ca_key.get(), "2024-05-01T00:00:00Z", "2024-07-01T00:00:00Z", {99})};
  EXPECT_TRUE(VerifyTdx(c.in).ok());
}

TEST(IntelSyntheticTest, StaleCrlIsACollateralError) {
  const TestPki pki;
  Case c = SyntheticTdxCase(pki);
  c.in.collateral.crls = {
      MakeCrl(pki.ca, pki.ca_key.get(), "2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z", {})};
  const Status stale = VerifyTdx(c.in).status();
  EXPECT_EQ(stale.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(stale.message(), AllOf(HasSubstr("collateral is not current"),
                                     HasSubstr("CRL of 'Arca Test PCK Platform CA'")));
}

TEST(IntelSyntheticTest, RevokedTcbSigningCertificateIsRefused) {
  const TestPki pki;
  Case c = SyntheticTdxCase(pki);
  c.in.collateral.crls = {
      MakeCrl(pki.root, pki.root_key.get(), "2024-05-01T00:00:00Z", "2024-07-01T00:00:00Z", {3})};
  EXPECT_THAT(VerifyTdx(c.in).status().message(),
              AllOf(HasSubstr("TDX TCB info for FMSPC 50806f000000 signing certificate"),
                    HasSubstr("'Arca Test TCB Signing' is revoked")));
}

TEST(IntelSyntheticTest, SgxQuoteGivesFullClaims) {
  const TestPki pki;
  const Quote original = MustParse(Sample(kSgxQuote));
  Case c;
  c.Set(pki.Resign(original));
  c.in.anchors = {pki.root};
  c.in.collateral.intermediates = {pki.tcb_signing};
  c.in.at = kTestAt;
  // An SGX TCB info for the quote's FMSPC, built from the TDX one's shape: its first level
  // requires exactly this PCK's TCB, so it is UpToDate; and an SGX "QE" identity.
  nlohmann::json tcb = Body(Text(kSpr + "tcbinfo_fmspc_50806f000000.json"), "tcbInfo");
  tcb["id"] = "SGX";
  tcb["fmspc"] = "00606A000000";
  tcb.erase("tdxModule");
  const AuthenticatedQuote auth = *AuthenticateQuote(c.in, kTeeTypeSgx);
  for (nlohmann::json& level : tcb["tcbLevels"]) {
    level["tcb"].erase("tdxtcbcomponents");
    for (size_t i = 0; i < 16; ++i) {
      level["tcb"]["sgxtcbcomponents"][i]["svn"] = auth.pck.sgx_tcb_components[i];
    }
  }
  tcb["tcbLevels"][0]["tcb"]["pcesvn"] = auth.pck.pce_svn;
  tcb["tcbLevels"][0]["tcbStatus"] = "SWHardeningNeeded";
  tcb["tcbLevels"][0]["advisoryIDs"] = {"INTEL-SA-00334", "INTEL-SA-00615"};
  c.in.collateral.tcb_info = pki.Sign("tcbInfo", tcb);
  nlohmann::json qe = Body(Text(kSpr + "qe_identity_td_qe.json"), "enclaveIdentity");
  qe["id"] = "QE";
  qe["mrsigner"] = ToHex(original.qe_report.mr_signer);
  qe["isvprodid"] = 1;
  qe["tcbLevels"] = {
      {{"tcb", {{"isvsvn", 8}}}, {"tcbDate", "2024-03-13T00:00:00Z"}, {"tcbStatus", "UpToDate"}}};
  c.in.collateral.qe_identity = pki.Sign("enclaveIdentity", qe);

  const Result<Claims> claims = VerifySgx(c.in);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->platform, Platform::kSgx);
  EXPECT_EQ(claims->tcb_status, "SWHardeningNeeded");
  EXPECT_THAT(claims->advisories, ::testing::ElementsAre("INTEL-SA-00334", "INTEL-SA-00615"));
  EXPECT_TRUE(claims->debug);
  EXPECT_EQ(ToHex(claims->measurement).substr(0, 8), "8f173e46");
  EXPECT_EQ(ToHex(claims->measurements.at("mrsigner")).substr(0, 8), "83d719e7");
  EXPECT_EQ(claims->tcb.at("isv_svn"), 0u);
  EXPECT_EQ(claims->tcb.at("isv_prod_id"), 0u);
  EXPECT_EQ(claims->tcb.at("qe_isv_svn"), 8u);
  EXPECT_EQ(ToHex(claims->chip_id), "00606a000000");
  EXPECT_EQ(std::string(claims->report_data.begin(), claims->report_data.begin() + 4), "test");

  // The same quote against a QE identity whose MRSIGNER is someone else's.
  qe["mrsigner"] = std::string(64, '0');
  c.in.collateral.qe_identity = pki.Sign("enclaveIdentity", qe);
  EXPECT_THAT(VerifySgx(c.in).status().message(), HasSubstr("differs from the QE identity's"));
  // And against the TDX QE identity.
  c.in.collateral.qe_identity = SyntheticTdxCase(pki).in.collateral.qe_identity;
  EXPECT_THAT(VerifySgx(c.in).status().message(),
              HasSubstr("the QE identity is \"TD_QE\" but a SGX quote needs the \"QE\" identity"));
}

}  // namespace
}  // namespace arca::tee::intel
