// The Nitro verifier on real AWS documents (testdata/attestation/nitro/evervault, see its
// README), and on documents forged here with test-only keys to reach each refusal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/time.h"
#include "arca/crypto/x509.h"
#include "arca/tee/nitro_document.h"
#include "arca/tee/verifier.h"

namespace arca::tee {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSamples = ARCA_ATTESTATION_SAMPLES;
const std::string kNitro = kSamples + "/nitro/evervault/";

// Each document is verified at its own `timestamp` (the README explains why: its leaf
// certificate is valid for three hours).
constexpr int64_t kDebug2022 = 1665582606;       // 2022-10-12T13:50:06Z
constexpr int64_t kProduction2022 = 1665651482;  // 2022-10-13T08:58:02Z
constexpr int64_t kDebug2023 = 1695049410;       // 2023-09-18T15:03:30Z

UnixTime Seconds(int64_t s) { return UnixTime(std::chrono::seconds(s)); }

Bytes Sample(const std::string& name) {
  Result<Bytes> bytes = ReadFileBytes(kNitro + name);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : Bytes{};
}

std::vector<crypto::Certificate> Pem(const std::string& path) {
  const Bytes text = *ReadFileBytes(path);
  Result<std::vector<crypto::Certificate>> certs = crypto::Certificate::AllFromPem(
      std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
  EXPECT_TRUE(certs.ok()) << path << ": " << certs.status().ToString();
  return certs.ok() ? *certs : std::vector<crypto::Certificate>{};
}

std::vector<crypto::Certificate> AwsRoot() {
  return Pem(kNitro + "aws_nitro_enclaves_root_g1.pem");
}

Result<Claims> Verify(ByteView evidence, UnixTime at,
                      std::vector<crypto::Certificate> anchors = AwsRoot()) {
  VerifyInputs in;
  in.evidence = evidence;
  in.anchors = std::move(anchors);
  in.at = at;
  return VerifyNitro(in);
}

// ---- A minimal CBOR writer for forged documents (RFC 8949 section 3) ----

void Head(Bytes& out, uint8_t major, uint64_t n) {
  const auto initial = static_cast<uint8_t>(major << 5);
  if (n < 24) {
    out.push_back(initial | static_cast<uint8_t>(n));
    return;
  }
  const int width = n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffffff ? 4 : 8;
  out.push_back(initial | (width == 1 ? 24 : width == 2 ? 25 : width == 4 ? 26 : 27));
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
}

Bytes Uint(uint64_t n) {
  Bytes out;
  Head(out, 0, n);
  return out;
}

Bytes Bstr(ByteView bytes) {
  Bytes out;
  Head(out, 2, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
  return out;
}

Bytes Tstr(std::string_view text) {
  Bytes out;
  Head(out, 3, text.size());
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

const Bytes kNull = {0xf6};
const Bytes kEs384Header = {0xa1, 0x01, 0x38, 0x22};  // {1: -35}

// A payload map as (key, encoded value) entries, so that tests can drop, repeat or add any.
using Entries = std::vector<std::pair<std::string, Bytes>>;

Bytes EncodeMap(const Entries& entries) {
  Bytes out;
  Head(out, 5, entries.size());
  for (const auto& [key, value] : entries) {
    const Bytes k = Tstr(key);
    out.insert(out.end(), k.begin(), k.end());
    out.insert(out.end(), value.begin(), value.end());
  }
  return out;
}

Bytes Pcrs(uint64_t count, size_t size, uint8_t fill) {
  Bytes out;
  Head(out, 5, count);
  for (uint64_t i = 0; i < count; ++i) {
    const Bytes k = Uint(i);
    const Bytes v = Bstr(Bytes(size, fill));
    out.insert(out.end(), k.begin(), k.end());
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

Bytes Array(const std::vector<Bytes>& items) {
  Bytes out;
  Head(out, 4, items.size());
  for (const Bytes& item : items) out.insert(out.end(), item.begin(), item.end());
  return out;
}

Entries PayloadEntries(const Bytes& certificate, const std::vector<Bytes>& cabundle,
                       uint64_t timestamp_ms, uint8_t pcr_fill) {
  std::vector<Bytes> bundle;
  bundle.reserve(cabundle.size());
  for (const Bytes& der : cabundle) bundle.push_back(Bstr(der));
  return {{"module_id", Tstr("i-0123456789abcdef0-enc0123456789abcdef")},
          {"digest", Tstr("SHA384")},
          {"timestamp", Uint(timestamp_ms)},
          {"pcrs", Pcrs(16, 48, pcr_fill)},
          {"certificate", Bstr(certificate)},
          {"cabundle", Array(bundle)},
          {"public_key", Bstr(AsBytes("a public key"))},
          {"user_data", Bstr(AsBytes("user data"))},
          {"nonce", kNull}};
}

Bytes CoseSign1(const Bytes& protected_header, const Bytes& payload, const Bytes& signature) {
  return Array({Bstr(protected_header), {0xa0}, Bstr(payload), Bstr(signature)});
}

// A structurally valid document whose signature and certificates are not real.
Bytes Unsigned(const Entries& entries) {
  return CoseSign1(kEs384Header, EncodeMap(entries), Bytes(96, 0x5a));
}

Entries UnsignedEntries() { return PayloadEntries(Bytes(100, 0x30), {Bytes(100, 0x30)}, 1000, 0); }

Status ParseStatus(const Bytes& evidence) { return ParseNitroDocument(evidence).status(); }

// ---- Test-only keys and certificates (OpenSSL) ----

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

struct Party {
  KeyPtr key;
  CertPtr cert;
  Bytes Der() const {
    unsigned char* der = nullptr;
    const int size = i2d_X509(cert.get(), &der);
    Bytes out(der, der + size);
    OPENSSL_free(der);
    return out;
  }
  crypto::Certificate Certificate() const { return *crypto::Certificate::FromDer(Der()); }
};

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  const ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  ASSERT_TRUE(ext);
  X509_add_ext(cert, ext.get(), -1);
}

// A certificate for `cn` valid 2020..2040, signed by `issuer` (self-signed if null).
Party MakeParty(const std::string& cn, const Party* issuer, bool ca, const char* curve = "P-384",
                const char* key_usage = nullptr) {
  Party party;
  party.key.reset(EVP_EC_gen(curve));
  party.cert.reset(X509_new());
  X509* cert = party.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  ASN1_TIME_set(X509_getm_notBefore(cert), 1577836800);  // 2020-01-01
  ASN1_TIME_set(X509_getm_notAfter(cert), 2208988800);   // 2040-01-01
  X509_NAME* name = X509_get_subject_name(cert);
  for (const auto& [field, value] : {std::pair<const char*, std::string>{"C", "US"},
                                     {"O", "Amazon"},
                                     {"OU", "AWS"},
                                     {"CN", cn}}) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
  }
  X509* signer_cert = issuer ? issuer->cert.get() : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(signer_cert));
  X509_set_pubkey(cert, party.key.get());
  AddExtension(cert, signer_cert, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (key_usage == nullptr) {
    key_usage = ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature";
  }
  AddExtension(cert, signer_cert, NID_key_usage, key_usage);
  X509_sign(cert, issuer ? issuer->key.get() : party.key.get(), EVP_sha384());
  return party;
}

// ES384 over the Sig_structure, as r || s.
Bytes SignEs384(EVP_PKEY* key, ByteView protected_header, ByteView payload) {
  NitroDocument parts;
  parts.protected_header.assign(protected_header.begin(), protected_header.end());
  parts.payload.assign(payload.begin(), payload.end());
  const Bytes to_be_signed = *NitroToBeSigned(parts);
  const MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t size = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, to_be_signed.data(), to_be_signed.size()), 1);
  Bytes der(size);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), der.data(), &size, to_be_signed.data(), to_be_signed.size()),
            1);
  const unsigned char* p = der.data();
  // NOLINTNEXTLINE(google-runtime-int): OpenSSL's d2i functions take a long length.
  const EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(size)));
  Bytes out(96);
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), 48);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + 48, 48);
  return out;
}

// An attacker's own hierarchy: a root named exactly like AWS's, an intermediate and a leaf.
struct ForgedPki {
  Party root = MakeParty("aws.nitro-enclaves", nullptr, true);
  Party intermediate = MakeParty("forged.intermediate", &root, true);
  Party leaf = MakeParty("forged.leaf", &intermediate, false);
};

Bytes SignedDocument(const Party& signer, const Entries& entries) {
  const Bytes payload = EncodeMap(entries);
  return CoseSign1(kEs384Header, payload, SignEs384(signer.key.get(), kEs384Header, payload));
}

Bytes ForgedDocument(const ForgedPki& pki, const std::vector<Bytes>& cabundle,
                     uint64_t timestamp_ms = 1700000000123) {
  return SignedDocument(pki.leaf, PayloadEntries(pki.leaf.Der(), cabundle, timestamp_ms, 0x11));
}

// ---- Real documents ----

TEST(NitroVerifierTest, ProductionDocumentGivesItsClaims) {
  const Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  Result<Claims> claims = Verify(doc, Seconds(kProduction2022));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->platform, Platform::kNitro);
  EXPECT_EQ(claims->product, "Nitro");
  EXPECT_EQ(claims->signer, "AWS Nitro");
  EXPECT_EQ(ToHex(claims->measurement),
            "f4d48b81a460c9916d1e685119074bf24660afd3e34fae9fca0a0d28d9d5599936332687e6f66fc8"
            "90ac8cf150142d8b");
  EXPECT_FALSE(claims->debug);
  EXPECT_EQ(claims->measurements.size(), 15u);  // PCR1..PCR15; PCR0 is the measurement
  EXPECT_FALSE(claims->measurements.contains("pcr0"));
  EXPECT_EQ(ToHex(claims->measurements.at("pcr1")),
            "bcdf05fefccaa8e55bf2c8d6dee9e79bbff31e34bf28a99aa19e6b29c37ee80b214a414b7607236e"
            "df26fcb78654e63f");
  EXPECT_EQ(ToHex(claims->measurements.at("pcr8")),
            "8790eb3cce6c83d07e84b126dc61ca923333d6f66615c4a79157de48c5ab2418bdc60746ea7b7afb"
            "ff03a1c6210201cb");
  EXPECT_EQ(claims->nonce.size(), 256u);
  EXPECT_EQ(ToHex(ByteView(claims->nonce).first(8)), "cb3dc2eb76c0c134");
  EXPECT_TRUE(claims->report_data.empty());
  EXPECT_TRUE(claims->public_key.empty());
  EXPECT_EQ(std::string(claims->chip_id.begin(), claims->chip_id.end()),
            "i-020b6af9246d90e92-enc0183d09086c24190");
  // 1665651482136 ms, floored to seconds.
  EXPECT_EQ(claims->evidence_time, Seconds(kProduction2022));
  EXPECT_TRUE(claims->tcb.empty());
  EXPECT_EQ(claims->tcb_status, "");
}

TEST(NitroVerifierTest, DebugDocumentHasZeroPcrsAndItsUserFields) {
  const Bytes doc = Sample("attestation-doc-2022-10-12-debug.cose");
  Result<Claims> claims = Verify(doc, Seconds(kDebug2022));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_TRUE(claims->debug);
  EXPECT_EQ(claims->measurement, Bytes(48, 0));
  // PCR3 (IAM role) and PCR4 (instance id) are set by the parent even in debug mode.
  EXPECT_NE(claims->measurements.at("pcr3"), Bytes(48, 0));
  EXPECT_EQ(claims->public_key,
            Bytes(AsBytes("my super secret key").begin(), AsBytes("my super secret key").end()));
  EXPECT_EQ(claims->report_data,
            Bytes(AsBytes("hello, world!").begin(), AsBytes("hello, world!").end()));
  EXPECT_TRUE(claims->nonce.empty());
  EXPECT_EQ(claims->evidence_time, Seconds(kDebug2022));
}

TEST(NitroVerifierTest, Base64DocumentBindsTheTlsKey) {
  const Bytes doc = Sample("attestation-doc-2023-09-18-debug.b64");
  Result<Claims> claims = Verify(doc, Seconds(kDebug2023));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_TRUE(claims->debug);
  EXPECT_EQ(claims->nonce.size(), 256u);
  EXPECT_EQ(claims->evidence_time, Seconds(kDebug2023));
  Result<crypto::Certificate> tls =
      crypto::Certificate::FromDer(Sample("tls-cert-with-embedded-attestation.der"));
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  EXPECT_EQ(claims->report_data, tls->Key().Spki());
}

TEST(NitroVerifierTest, TaggedCoseSign1Verifies) {
  // Tag 18 is outside the Sig_structure, so the same signature holds.
  Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  doc.insert(doc.begin(), 0xd2);
  Result<Claims> claims = Verify(doc, Seconds(kProduction2022));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_FALSE(claims->debug);
}

TEST(NitroVerifierTest, EveryChangedSignatureByteIsRefused) {
  const Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  ASSERT_TRUE(Verify(doc, Seconds(kProduction2022)).ok());
  // The signature is the document's last item: a 96-byte bstr.
  for (size_t i = doc.size() - 96; i < doc.size(); ++i) {
    Bytes tampered = doc;
    tampered[i] ^= 0x01;
    const Status status = Verify(tampered, Seconds(kProduction2022)).status();
    EXPECT_THAT(status.message(),
                HasSubstr("Nitro attestation document signature does not verify with the key of "
                          "its certificate"))
        << "signature byte " << i - (doc.size() - 96);
  }
}

TEST(NitroVerifierTest, NoChangedPayloadByteIsAccepted) {
  const Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  const std::vector<crypto::Certificate> anchors = AwsRoot();
  const NitroDocument parsed = *ParseNitroDocument(doc);
  // 84 | 44 <protected> | a0 | 59 xxxx <payload> | 58 60 <signature>
  const size_t start = doc.size() - 96 - 2 - parsed.payload.size();
  ASSERT_TRUE(std::equal(parsed.payload.begin(), parsed.payload.end(), doc.begin() + start));
  size_t bad_signature = 0;
  for (size_t i = start; i < start + parsed.payload.size(); ++i) {
    Bytes tampered = doc;
    tampered[i] ^= 0x01;
    const Status status = Verify(tampered, Seconds(kProduction2022), anchors).status();
    ASSERT_FALSE(status.ok()) << "payload byte " << i - start << " changed, yet accepted";
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
    if (status.message().find("signature does not verify with the key of its certificate") !=
        std::string::npos) {
      ++bad_signature;
      continue;
    }
    // Otherwise the change broke the structure or the leaf certificate, refused before the
    // signature is checked.
    const Status parse = ParseStatus(tampered);
    EXPECT_THAT(status.message(),
                AnyOf(HasSubstr("field 'certificate' is not a DER X.509 certificate"),
                      HasSubstr("the key of certificate"), HasSubstr(parse.message())))
        << "payload byte " << i - start << ": " << status.ToString();
    EXPECT_TRUE(!parse.ok() || status.message().find("certificate") != std::string::npos)
        << status.ToString();
  }
  // Most changes land in PCRs, certificate bodies and the nonce, where the CBOR stays valid and
  // only the signature can catch them.
  EXPECT_GT(bad_signature, parsed.payload.size() * 9 / 10);
}

TEST(NitroVerifierTest, AnotherAlgorithmIsRefused) {
  Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  // 84 44 a1 01 38 22: the argument 0x22 of -35 becomes 0x23, i.e. -36 (ES512).
  ASSERT_EQ(doc[5], 0x22);
  doc[5] = 0x23;
  EXPECT_THAT(Verify(doc, Seconds(kProduction2022)).status().message(),
              HasSubstr("protected header algorithm -36 is not ES384 (-35)"));
  doc[4] = 0x26;  // 38 -> 26: a one-byte -7 (ES256) followed by a stray byte
  EXPECT_THAT(Verify(doc, Seconds(kProduction2022)).status().message(),
              HasSubstr("protected header has 1 bytes after its CBOR item"));
}

TEST(NitroVerifierTest, AnchorsWithoutTheAwsRootAreRefused) {
  const Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  const std::vector<crypto::Certificate> amd =
      Pem(kSamples + "/sev-snp/amd-roots/ask_ark_milan.pem");
  ASSERT_EQ(amd.size(), 2u);
  const Status status = Verify(doc, Seconds(kProduction2022), {amd[1]}).status();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("none of the 1 pinned trust anchors is an AWS Nitro Enclaves root"));
  // The document's own cabundle[0] is the genuine AWS root, and still counts for nothing.
  EXPECT_THAT(Verify(doc, Seconds(kProduction2022), {}).status().message(),
              HasSubstr("none of the 0 pinned trust anchors"));
}

TEST(NitroVerifierTest, AnotherNitroNamedAnchorIsNotTheAwsRoot) {
  // Passes the name filter, but the real chain stops at the document's own cabundle[0].
  const Party other = MakeParty("other.nitro-enclaves", nullptr, true);
  const Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  const Status status = Verify(doc, Seconds(kProduction2022), {other.Certificate()}).status();
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(),
              HasSubstr("Nitro attestation document certificate chain: certificate chain of '"));
  EXPECT_THAT(status.message(), HasSubstr("does not reach a pinned trust anchor (it stops at "
                                          "certificate 'aws.nitro-enclaves')"));
}

TEST(NitroVerifierTest, AnchorWithTheAwsNameButAnotherKeyIsRefused) {
  const ForgedPki pki;  // its root has exactly AWS's subject
  const Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  const Status status = Verify(doc, Seconds(kProduction2022), {pki.root.Certificate()}).status();
  EXPECT_THAT(status.message(), HasSubstr("Nitro attestation document certificate chain: the "
                                          "signature of certificate '"));
  EXPECT_THAT(status.message(), HasSubstr("does not verify with its issuer's key"));
}

TEST(NitroVerifierTest, ExpiredChainNamesTheCertificateAndIsNotAboutFreshness) {
  const Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  const Status status = Verify(doc, *ParseTime("2026-11-23T00:00:00Z")).status();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  // The regional intermediate (cabundle[1]) lapsed on 2022-10-28; the root is valid to 2049.
  EXPECT_THAT(status.message(),
              HasSubstr("Nitro attestation document certificate chain: certificate "
                        "'2f442bd2442676f0.us-east-1.aws.nitro-enclaves' expired at "
                        "2022-10-28T13:32:56Z, before the verification time 2026-11-23T00:00:00Z"));
  EXPECT_THAT(status.message(),
              Not(AnyOf(HasSubstr("fresh"), HasSubstr("timestamp"), HasSubstr("evidence"))));
  // Before the leaf's validity, the same chain is "not valid until", not "expired".
  EXPECT_THAT(Verify(doc, *ParseTime("2022-10-13T08:00:00Z")).status().message(),
              HasSubstr("certificate 'i-020b6af9246d90e92.us-east-1.aws.nitro-enclaves' is not "
                        "valid until 2022-10-13T08:42:46Z"));
}

// ---- Forged documents: the checks that a genuine AWS document cannot reach ----

TEST(NitroVerifierTest, ForgedDocumentVerifiesOnlyAgainstItsOwnRoot) {
  const ForgedPki pki;
  const Bytes doc = ForgedDocument(pki, {pki.root.Der(), pki.intermediate.Der()});
  const UnixTime at = Seconds(1700000000);
  // The control: pinning the forger's root, every check of the verifier passes.
  Result<Claims> claims = Verify(doc, at, {pki.root.Certificate()});
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->measurement, Bytes(48, 0x11));
  EXPECT_FALSE(claims->debug);
  EXPECT_EQ(claims->evidence_time, Seconds(1700000000));
  // Pinning AWS's root: the bundle's root, named exactly like AWS's, is not it, so the forged
  // intermediate's signature does not verify with the issuer its name points to.
  const Status status = Verify(doc, at).status();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("Nitro attestation document certificate chain: the signature of "
                        "certificate 'forged.intermediate' does not verify with its issuer's key"));
}

TEST(NitroVerifierTest, CabundleRootReplacedByAnotherRootIsRefused) {
  // A self-consistent forgery whose root has its own name: the chain reaches no pinned anchor.
  const Party root = MakeParty("forged.root", nullptr, true);
  const Party leaf = MakeParty("forged.leaf", &root, false);
  const Bytes doc = SignedDocument(leaf, PayloadEntries(leaf.Der(), {root.Der()}, 1, 0x11));
  const Status status = Verify(doc, Seconds(1700000000)).status();
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(),
              HasSubstr("Nitro attestation document certificate chain: certificate chain of "
                        "'forged.leaf' does not reach a pinned trust anchor (it stops at "
                        "certificate 'forged.root')"));
}

TEST(NitroVerifierTest, CabundleWithTheRealAwsRootDoesNotHelpAForgedChain) {
  const ForgedPki pki;
  const std::vector<crypto::Certificate> aws = AwsRoot();
  const Bytes doc = ForgedDocument(pki, {aws.at(0).Der(), pki.intermediate.Der()});
  EXPECT_THAT(Verify(doc, Seconds(1700000000)).status().message(),
              HasSubstr("the signature of certificate 'forged.intermediate' does not verify"));
}

TEST(NitroVerifierTest, ReplacingTheRootInARealCabundleBreaksTheSignature) {
  const Bytes doc = Sample("attestation-doc-2022-10-13-production.cose");
  NitroDocument parsed = *ParseNitroDocument(doc);
  const ForgedPki pki;
  // Re-encode the real payload with cabundle[0] swapped for the forger's root.
  std::vector<Bytes> bundle = parsed.cabundle;
  bundle[0] = pki.root.Der();
  std::vector<Bytes> encoded_bundle;
  encoded_bundle.reserve(bundle.size());
  for (const Bytes& der : bundle) encoded_bundle.push_back(Bstr(der));
  Bytes pcrs;
  Head(pcrs, 5, parsed.pcrs.size());
  for (const auto& [index, value] : parsed.pcrs) {
    for (const Bytes& part : {Uint(index), Bstr(value)})
      pcrs.insert(pcrs.end(), part.begin(), part.end());
  }
  Entries entries = {{"module_id", Tstr(parsed.module_id)},
                     {"digest", Tstr("SHA384")},
                     {"timestamp", Uint(parsed.timestamp_ms)},
                     {"pcrs", pcrs},
                     {"certificate", Bstr(parsed.certificate)},
                     {"cabundle", Array(encoded_bundle)},
                     {"public_key", kNull},
                     {"user_data", kNull},
                     {"nonce", Bstr(*parsed.nonce)}};
  // Unchanged, this encoding is byte-identical to AWS's, so only the swap breaks it.
  std::vector<Bytes> original_bundle;
  original_bundle.reserve(parsed.cabundle.size());
  for (const Bytes& der : parsed.cabundle) original_bundle.push_back(Bstr(der));
  Entries original = entries;
  original[5].second = Array(original_bundle);
  ASSERT_EQ(EncodeMap(original), parsed.payload);
  const Bytes tampered = CoseSign1(kEs384Header, EncodeMap(entries), parsed.signature);
  EXPECT_THAT(
      Verify(tampered, Seconds(kProduction2022), {pki.root.Certificate()}).status().message(),
      HasSubstr("Nitro attestation document signature does not verify"));
}

TEST(NitroVerifierTest, SignatureByAnotherKeyIsRefused) {
  const ForgedPki pki;
  const Party stranger = MakeParty("stranger", nullptr, false);
  const Bytes doc = SignedDocument(
      stranger, PayloadEntries(pki.leaf.Der(), {pki.root.Der(), pki.intermediate.Der()},
                               1700000000123, 0x11));
  EXPECT_THAT(Verify(doc, Seconds(1700000000), {pki.root.Certificate()}).status().message(),
              HasSubstr("signature does not verify with the key of its certificate 'forged.leaf'"));
}

TEST(NitroVerifierTest, LeafKeyMustBeP384) {
  const ForgedPki pki;
  const Party p256 = MakeParty("p256.leaf", &pki.intermediate, false, "P-256");
  const Bytes doc = SignedDocument(
      p256, PayloadEntries(p256.Der(), {pki.root.Der(), pki.intermediate.Der()}, 1, 0x11));
  EXPECT_THAT(Verify(doc, Seconds(1700000000), {pki.root.Certificate()}).status().message(),
              HasSubstr("the key of certificate 'p256.leaf' is EC prime256v1, not the EC P-384"));
}

TEST(NitroVerifierTest, SigningCertificateMustBeAnEndEntityThatMaySign) {
  const ForgedPki pki;
  const std::vector<Bytes> bundle = {pki.root.Der(), pki.intermediate.Der()};
  const Party ca = MakeParty("ca.leaf", &pki.intermediate, true);
  EXPECT_THAT(Verify(SignedDocument(ca, PayloadEntries(ca.Der(), bundle, 1, 0x11)),
                     Seconds(1700000000), {pki.root.Certificate()})
                  .status()
                  .message(),
              HasSubstr("certificate 'ca.leaf' is a CA certificate, not a document signing"));
  const Party encipher =
      MakeParty("encipher.leaf", &pki.intermediate, false, "P-384", "critical,keyEncipherment");
  EXPECT_THAT(Verify(SignedDocument(encipher, PayloadEntries(encipher.Der(), bundle, 1, 0x11)),
                     Seconds(1700000000), {pki.root.Certificate()})
                  .status()
                  .message(),
              HasSubstr("certificate 'encipher.leaf' may not sign (its key usage lacks "
                        "digitalSignature)"));
}

TEST(NitroVerifierTest, EvidenceTimeIsRecordedEvenAfterTheVerificationTime) {
  const ForgedPki pki;
  // A document dated 2030 verified in 2023: freshness is the policy's judgement, not ours.
  const Bytes doc = ForgedDocument(pki, {pki.root.Der(), pki.intermediate.Der()}, 1893456000999);
  Result<Claims> claims = Verify(doc, Seconds(1700000000), {pki.root.Certificate()});
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->evidence_time, Seconds(1893456000));
}

TEST(NitroVerifierTest, DebugIsDecidedByPcr0ToPcr2) {
  const ForgedPki pki;
  const std::vector<crypto::Certificate> root = {pki.root.Certificate()};
  // PCR0..PCR3, PCR3 non-zero as in real debug documents; `nonzero` may set one of PCR0..PCR2.
  const auto debug = [&](int nonzero) {
    Bytes pcrs;
    Head(pcrs, 5, 4);
    for (uint64_t i = 0; i < 4; ++i) {
      const Bytes k = Uint(i);
      Bytes value(48, i == 3 ? 0x33 : 0);
      if (static_cast<int>(i) == nonzero) value[47] = 0x01;
      const Bytes v = Bstr(value);
      pcrs.insert(pcrs.end(), k.begin(), k.end());
      pcrs.insert(pcrs.end(), v.begin(), v.end());
    }
    Entries entries =
        PayloadEntries(pki.leaf.Der(), {pki.root.Der(), pki.intermediate.Der()}, 1700000000123, 0);
    entries[3].second = pcrs;
    Result<Claims> claims = Verify(SignedDocument(pki.leaf, entries), Seconds(1700000000), root);
    EXPECT_TRUE(claims.ok()) << claims.status().ToString();
    return claims.ok() && claims->debug;
  };
  EXPECT_TRUE(debug(-1));
  EXPECT_FALSE(debug(0));
  EXPECT_FALSE(debug(1));
  EXPECT_FALSE(debug(2));
}

// ---- The parser's refusals ----

TEST(NitroDocumentTest, SamplesParse) {
  for (const char* name :
       {"attestation-doc-2022-10-12-debug.cose", "attestation-doc-2022-10-13-production.cose",
        "attestation-doc-2023-09-18-debug.b64"}) {
    Result<NitroDocument> doc = ParseNitroDocument(Sample(name));
    ASSERT_TRUE(doc.ok()) << name << ": " << doc.status().ToString();
    EXPECT_EQ(doc->protected_header, kEs384Header);
    EXPECT_EQ(doc->pcrs.size(), 16u);
    EXPECT_EQ(doc->cabundle.size(), 4u);
    EXPECT_EQ(crypto::Certificate::FromDer(doc->cabundle[0])->Der(), AwsRoot().at(0).Der())
        << "cabundle[0] is AWS's root";
  }
}

TEST(NitroDocumentTest, ToBeSignedIsTheCoseSigStructure) {
  NitroDocument doc;
  doc.protected_header = kEs384Header;
  doc.payload = {0x78};
  // ["Signature1", h'a1013822', h'', h'78'] (RFC 9052 section 4.4)
  EXPECT_EQ(ToHex(*NitroToBeSigned(doc)),
            "846a5369676e61747572653144a101382240"
            "4178");
}

TEST(NitroDocumentTest, UnsignedTemplateParses) {
  ASSERT_TRUE(ParseNitroDocument(Unsigned(UnsignedEntries())).ok());
}

TEST(NitroDocumentTest, PayloadFieldsAreChecked) {
  struct Case {
    std::string field;
    Bytes value;  // empty: drop the field
    std::string error;
  };
  const std::vector<Case> cases = {
      {"module_id", {}, "mandatory field 'module_id' is missing"},
      {"module_id", Tstr(""), "field 'module_id' is empty"},
      {"module_id", Bstr(AsBytes("i-1")), "field 'module_id' is not a text string"},
      {"digest", Tstr("SHA256"), "field 'digest' is 'SHA256', not 'SHA384'"},
      {"digest", {}, "mandatory field 'digest' is missing"},
      {"timestamp", Uint(0), "field 'timestamp' is 0"},
      {"timestamp", {0x20}, "field 'timestamp' is not an unsigned integer"},
      {"pcrs", Pcrs(0, 48, 0), "field 'pcrs' has 0 entries; allowed are 1..32"},
      {"pcrs", Pcrs(33, 48, 0), "field 'pcrs' has 33 entries; allowed are 1..32"},
      {"pcrs", Pcrs(1, 47, 0), "PCR0 has 47 bytes; allowed are 32, 48, 64"},
      {"pcrs", Pcrs(1, 65, 0), "PCR0 has 65 bytes; allowed are 32, 48, 64"},
      {"pcrs", {0xa1, 0x18, 0x20, 0x41, 0x00}, "field 'pcrs' has index 32; allowed are 0..31"},
      {"pcrs", {0xa1, 0x20, 0x41, 0x00}, "field 'pcrs' has index -1; allowed are 0..31"},
      {"pcrs", {0xa1, 0x61, 0x30, 0x41, 0x00}, "field 'pcrs' has a key that is not an integer"},
      {"pcrs", {0xa2, 0x00, 0x40, 0x00, 0x40}, "PCR0 has 0 bytes"},
      {"pcrs", kNull, "field 'pcrs' is not a map"},
      {"certificate", kNull, "field 'certificate' is not a byte string"},
      {"certificate", Bstr(Bytes(1025, 1)),
       "field 'certificate' has 1025 bytes; allowed are 1..1024"},
      {"certificate", Bstr({}), "field 'certificate' has 0 bytes"},
      {"cabundle", Array({}), "field 'cabundle' is empty"},
      {"cabundle", Array({Bstr({})}), "cabundle[0] has 0 bytes; allowed are 1..1024"},
      {"cabundle", Array({Tstr("x")}), "cabundle[0] is not a byte string"},
      {"cabundle", {}, "mandatory field 'cabundle' is missing"},
      {"public_key", Bstr({}), "field 'public_key' has 0 bytes; allowed are 1..1024"},
      {"public_key", Bstr(Bytes(1025, 1)), "field 'public_key' has 1025 bytes"},
      {"user_data", Bstr(Bytes(513, 1)), "field 'user_data' has 513 bytes; allowed are 0..512"},
      {"user_data", Tstr("x"), "field 'user_data' is not a byte string"},
      {"nonce", Bstr(Bytes(513, 1)), "field 'nonce' has 513 bytes; allowed are 0..512"},
  };
  for (const Case& c : cases) {
    Entries entries;
    for (const auto& entry : UnsignedEntries()) {
      if (entry.first != c.field) {
        entries.push_back(entry);
      } else if (!c.value.empty()) {
        entries.emplace_back(entry.first, c.value);
      }
    }
    const Status status = ParseStatus(Unsigned(entries));
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << c.error;
    EXPECT_THAT(status.message(), HasSubstr(c.error)) << status.ToString();
  }
}

TEST(NitroDocumentTest, OptionalFieldsMayBeNullAbsentOrEmpty) {
  Entries entries = UnsignedEntries();
  entries.pop_back();            // no nonce at all
  entries[7].second = Bstr({});  // empty user_data is allowed (0..512)
  entries[6].second = kNull;     // null public_key
  Result<NitroDocument> doc = ParseNitroDocument(Unsigned(entries));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_FALSE(doc->nonce.has_value());
  EXPECT_FALSE(doc->public_key.has_value());
  EXPECT_EQ(doc->user_data, Bytes{});
}

TEST(NitroDocumentTest, UnknownAndRepeatedFieldsAreRefused) {
  Entries unknown = UnsignedEntries();
  unknown.emplace_back("nitrotpm_pcrs", Pcrs(1, 48, 0));
  EXPECT_THAT(ParseStatus(Unsigned(unknown)).message(), HasSubstr("unknown field 'nitrotpm_pcrs'"));
  Entries repeated = UnsignedEntries();
  repeated.emplace_back("nonce", Bstr(AsBytes("second")));
  EXPECT_THAT(ParseStatus(Unsigned(repeated)).message(), HasSubstr("field 'nonce' appears twice"));
  Bytes twice_pcr0 = {0xa2, 0x00};
  for (const Bytes& part : {Bstr(Bytes(32, 0)), Uint(0), Bstr(Bytes(32, 1))}) {
    twice_pcr0.insert(twice_pcr0.end(), part.begin(), part.end());
  }
  Entries pcrs = UnsignedEntries();
  pcrs[3].second = twice_pcr0;
  EXPECT_THAT(ParseStatus(Unsigned(pcrs)).message(), HasSubstr("field 'pcrs' lists PCR0 twice"));
  Bytes int_key_payload = EncodeMap(UnsignedEntries());
  int_key_payload[0] += 1;  // one more entry: 1 => 1
  int_key_payload.insert(int_key_payload.end(), {0x01, 0x01});
  EXPECT_THAT(ParseStatus(CoseSign1(kEs384Header, int_key_payload, Bytes(96, 0))).message(),
              HasSubstr("a payload key is not a text string"));
}

TEST(NitroDocumentTest, EnvelopeIsChecked) {
  const Bytes payload = EncodeMap(UnsignedEntries());
  const Bytes sig(96, 0);
  struct Case {
    Bytes evidence;
    std::string error;
  };
  Bytes tag17 = CoseSign1(kEs384Header, payload, sig);
  tag17.insert(tag17.begin(), 0xd1);
  const Bytes three = Array({Bstr(kEs384Header), {0xa0}, Bstr(payload)});
  Bytes trailing = CoseSign1(kEs384Header, payload, sig);
  trailing.push_back(0x00);
  const std::vector<Case> cases = {
      {{}, "evidence is empty"},
      {Bytes(kMaxNitroEvidenceSize + 1, 0x84), "evidence has 32769 bytes; at most 32768"},
      {Bytes(AsBytes("abc=d").begin(), AsBytes("abc=d").end()),
       "evidence looks like base64 text but does not decode"},
      {Bytes(AsBytes("not base64!").begin(), AsBytes("not base64!").end()),
       "COSE_Sign1: CBOR string truncated"},
      {Bytes{0xd2}, "COSE_Sign1: CBOR item truncated at offset 1"},
      {tag17, "CBOR tag 17 is not COSE_Sign1 (18)"},
      {three, "not a COSE_Sign1 array"},
      {trailing, "COSE_Sign1 has 1 bytes after its CBOR item"},
      {CoseSign1({0xa1, 0x01, 0x26}, payload, sig),
       "protected header algorithm -7 is not ES384 (-35)"},
      {CoseSign1({0xa1, 0x01, 0x01}, payload, sig),
       "protected header algorithm 1 is not ES384 (-35)"},
      {CoseSign1({0xa1, 0x01, 0x65, 'E', 'S', '3', '8', '4'}, payload, sig),
       "protected header algorithm is not an integer"},
      {CoseSign1({0xa2, 0x01, 0x38, 0x22, 0x04, 0x40}, payload, sig),
       "protected header has 2 entries; only the algorithm {1: -35} is expected"},
      {CoseSign1({0xa0}, payload, sig), "protected header names no algorithm"},
      {CoseSign1({}, payload, sig), "protected header is empty"},
      {CoseSign1({0x80}, payload, sig), "protected header is not a CBOR map"},
      {Array({Bstr(kEs384Header), {0x80}, Bstr(payload), Bstr(sig)}),
       "unprotected header is not a CBOR map"},
      {Array({Bstr(kEs384Header), {0xa0}, kNull, Bstr(sig)}), "payload is not a byte string"},
      {CoseSign1(kEs384Header, Bytes(16385, 0), sig),
       "payload has 16385 bytes; allowed are 1..16384"},
      {CoseSign1(kEs384Header, payload, Bytes(64, 0)),
       "signature has 64 bytes; allowed are 96..96"},
      {CoseSign1(kEs384Header, {0x80}, sig), "payload is not a CBOR map"},
  };
  for (const Case& c : cases) {
    const Status status = ParseStatus(c.evidence);
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << c.error;
    EXPECT_THAT(status.message(), HasSubstr(c.error)) << status.ToString();
  }
}

TEST(NitroDocumentTest, HostileCborIsRefusedBeforeLibcborAllocates) {
  const std::vector<std::pair<Bytes, std::string>> cases = {
      // An array declaring 2^36 items in 9 bytes: libcbor 0.8 would allocate 512 GiB for it.
      {{0xd2, 0x9b, 0, 0, 0, 0x10, 0, 0, 0, 0}, "COSE_Sign1: CBOR container declares more items"},
      {{0x84, 0x9a, 0x08, 0, 0, 0}, "COSE_Sign1: CBOR container declares more items"},
      {{0xd2, 0x5a, 0x08, 0, 0, 0}, "COSE_Sign1: CBOR string truncated at offset 6"},
      {{0xd2, 0x5f, 0x41, 0x00, 0xff}, "COSE_Sign1: indefinite-length CBOR item (not allowed)"},
      {{0xd2, 0x1c}, "COSE_Sign1: reserved CBOR encoding"},
      {{0xd2, 0x19, 0x01}, "COSE_Sign1: CBOR item truncated at offset 2"},
      {{0xd2}, "COSE_Sign1: CBOR item truncated at offset 1"},
      {{0xd2, 0xd2, 0xd2, 0xd2, 0xd2, 0xd2, 0xd2, 0xd2, 0xd2, 0xd2, 0x00},
       "COSE_Sign1: CBOR nesting deeper than 8 levels"},
  };
  for (const auto& [evidence, error] : cases) {
    const Status status = ParseStatus(evidence);
    EXPECT_THAT(status.message(), HasSubstr(error)) << ToHex(evidence);
  }
  // Nesting inside the payload, which is decoded on its own.
  Bytes deep(20, 0x81);
  deep.push_back(0x00);
  EXPECT_THAT(ParseStatus(CoseSign1(kEs384Header, deep, Bytes(96, 0))).message(),
              HasSubstr("Nitro attestation document: payload: CBOR nesting deeper than 8"));
}

}  // namespace
}  // namespace arca::tee
