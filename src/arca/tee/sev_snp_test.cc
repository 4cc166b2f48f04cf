// SEV-SNP report parsing and verification on real reports captured on AMD Milan hardware
// (testdata/attestation/sev-snp/README.md names each set's source). Expected claim values are
// those the README states.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/test_dir.h"
#include "arca/base/time.h"
#include "arca/crypto/x509.h"
#include "arca/tee/claims.h"
#include "arca/tee/sev_snp_report.h"
#include "arca/tee/verifier.h"

namespace arca::tee {
namespace {

namespace fs = std::filesystem;
using crypto::Certificate;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kDir = std::string(ARCA_ATTESTATION_SAMPLES) + "/sev-snp/";

Bytes Read(const std::string& relative) { return *ReadFileBytes(kDir + relative); }

std::string ReadText(const std::string& relative) {
  const Bytes bytes = Read(relative);
  return {bytes.begin(), bytes.end()};
}

Certificate Der(const std::string& relative) { return *Certificate::FromDer(Read(relative)); }

std::vector<Certificate> Pem(const std::string& relative) {
  return *Certificate::AllFromPem(ReadText(relative));
}

UnixTime At(std::string_view text) { return *ParseTime(text); }

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

// The pinned ARKs (the last certificate of each KDS cert_chain), checked against the SHA-256
// fingerprints the README gives.
const std::vector<Certificate>& Arks() {
  static const std::vector<Certificate>* arks = [] {
    auto* out = new std::vector<Certificate>{Pem("amd-roots/ask_ark_milan.pem")[1],
                                             Pem("amd-roots/ask_ark_genoa.pem")[1],
                                             Pem("amd-roots/ask_ark_turin_vcek.pem")[1]};
    return out;
  }();
  return *arks;
}

TEST(SevSnpTest, PinnedArksHaveTheReadmeFingerprints) {
  EXPECT_EQ(ToHex(Arks()[0].Fingerprint()),
            "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd");
  EXPECT_EQ(ToHex(Arks()[1].Fingerprint()),
            "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1");
  EXPECT_EQ(ToHex(Arks()[2].Fingerprint()),
            "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a");
  EXPECT_EQ(Arks()[0].CommonName(), "ARK-Milan");
  EXPECT_EQ(Arks()[1].CommonName(), "ARK-Genoa");
  EXPECT_EQ(Arks()[2].CommonName(), "ARK-Turin");
}

// A VCEK cache directory of its own under the test temporary directory.
class Cache {
 public:
  Cache() { dir_ = arca::testing::FreshTestDir("sev_snp_test"); }
  ~Cache() { fs::remove_all(dir_); }
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // Copies the sample file `source` to `relative` in the cache.
  void Put(const std::string& relative, const std::string& source) const {
    const fs::path target = fs::path(dir_) / relative;
    fs::create_directories(target.parent_path());
    fs::copy_file(kDir + source, target, fs::copy_options::overwrite_existing);
  }
  // Writes `bytes` to `relative` in the cache.
  void Write(const std::string& relative, const Bytes& bytes) const {
    const fs::path target = fs::path(dir_) / relative;
    fs::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good());
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// --- The sample sets -------------------------------------------------------------------------

struct Sample {
  Bytes report;
  std::string cache_path;  // where the scheme puts its certificate
  std::string cert;        // the sample's VCEK/VLEK file
  std::string chain;       // the sample's ASK+ARK (ASVK+ARK) PEM
  UnixTime at;             // inside every certificate's validity
};

constexpr std::string_view kGoSevGuestChip =
    "3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b"
    "564ea464cdce40c05f63c9b610c5068b006b5d";

Sample GoSevGuest() {
  return {Read("go-sev-guest-milan/report.bin"),
          "vcek/Milan/" + std::string(kGoSevGuestChip) + "/0200000000000544.der",
          "go-sev-guest-milan/vcek.der", "go-sev-guest-milan/ask_ark_milan.pem",
          At("2022-09-25T00:00:00Z")};
}

Sample Virtee() {
  const Bytes report = Hex(ReadText("virtee-milan/report_milan.hex"));
  return {report,
          "vcek/Milan/" + ToHex(ByteView(report).subspan(0x1A0, 64)) + "/0300000000000873.der",
          "virtee-milan/vcek_milan.der", "virtee-milan/cert_chain_milan.pem",
          At("2024-01-01T00:00:00Z")};
}

Sample TrusteeVcek() {
  const Bytes report = Read("trustee-milan-vcek/report.bin");
  return {report,
          "vcek/Milan/" + ToHex(ByteView(report).subspan(0x1A0, 64)) + "/0300000000000873.der",
          "trustee-milan-vcek/vcek.der", "trustee-milan-vcek/ask_ark_milan.pem",
          At("2024-01-01T00:00:00Z")};
}

Sample TrusteeVlek() {
  return {Read("trustee-milan-vlek-aws/report.bin"), "vlek/Milan/04000000000018d9.der",
          "trustee-milan-vlek-aws/vlek.der", "trustee-milan-vlek-aws/asvk_ark_milan.pem",
          At("2025-06-01T00:00:00Z")};
}

VerifyInputs Inputs(const Sample& sample, const Cache& cache) {
  VerifyInputs in;
  in.evidence = sample.report;
  in.anchors = Arks();
  in.collateral.vcek_cache_dir = cache.dir();
  in.collateral.intermediates = Pem(sample.chain);
  in.at = sample.at;
  return in;
}

// --- Parsing ---------------------------------------------------------------------------------

TEST(SevSnpReportTest, ParsesTheGoSevGuestReport) {
  const Result<SevSnpReport> report = ParseSevSnpReport(GoSevGuest().report);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->version, 2U);
  EXPECT_EQ(report->policy, 0xB0000U);
  EXPECT_TRUE(report->debug());
  EXPECT_EQ(report->vmpl, 0U);
  EXPECT_EQ(report->signature_algo, 1U);
  EXPECT_EQ(report->signing_key, SevSnpSigningKey::kVcek);
  EXPECT_FALSE(report->mask_chip_key);
  EXPECT_FALSE(report->cpuid.has_value());
  EXPECT_EQ(ToHex(report->reported_tcb), "0200000000000544");
  EXPECT_EQ(DecodeSevSnpTcb(report->reported_tcb, SevSnpProduct::kMilan),
            (SevSnpTcb{std::nullopt, 2, 0, 5, 68}));
  EXPECT_EQ(ToHex(report->chip_id), kGoSevGuestChip);
  EXPECT_EQ(ToHex(report->report_data), "0102030405" + std::string(118, '0'));
  EXPECT_EQ(ToHex(report->measurement),
            "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0c"
            "f2e4872b01");
  EXPECT_EQ(report->current_version.major, 1);
  EXPECT_EQ(report->current_version.minor, 49);
  EXPECT_EQ(report->current_version.build, 3);
  // r and s are stored little-endian: the big-endian form ends with the report's first byte.
  EXPECT_EQ(report->signature_r[47], GoSevGuest().report[0x2A0]);
  EXPECT_EQ(report->signature_s[47], GoSevGuest().report[0x2E8]);
}

TEST(SevSnpReportTest, ParsesTheVersion3VlekReport) {
  const Result<SevSnpReport> report = ParseSevSnpReport(TrusteeVlek().report);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->version, 3U);
  EXPECT_EQ(report->vmpl, 1U);
  EXPECT_EQ(report->signing_key, SevSnpSigningKey::kVlek);
  ASSERT_TRUE(report->cpuid.has_value());
  EXPECT_EQ(report->cpuid->family, 0x19);
  EXPECT_EQ(report->cpuid->model, 0x01);
  EXPECT_EQ(report->cpuid->stepping, 0x01);
  EXPECT_EQ(SevSnpProductFromCpuid(report->cpuid->family, report->cpuid->model),
            SevSnpProduct::kMilan);
  EXPECT_EQ(report->chip_id, (std::array<uint8_t, 64>{}));
  EXPECT_EQ(DecodeSevSnpTcb(report->current_tcb, SevSnpProduct::kMilan),
            (SevSnpTcb{std::nullopt, 4, 0, 24, 220}));
  EXPECT_EQ(DecodeSevSnpTcb(report->reported_tcb, SevSnpProduct::kMilan),
            (SevSnpTcb{std::nullopt, 4, 0, 24, 217}));
}

TEST(SevSnpReportTest, RefusesWrongSizesVersionsAndAlgorithms) {
  const Bytes good = GoSevGuest().report;
  for (const size_t size : {size_t{0}, size_t{0x2A0}, kSevSnpReportSize - 1}) {
    EXPECT_THAT(ParseSevSnpReport(ByteView(good).first(size)).status().message(),
                StartsWith("malformed SEV-SNP report: " + std::to_string(size) + " bytes"));
  }
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(ParseSevSnpReport(longer).ok());

  for (const uint8_t version : {0, 1, 4, 5}) {
    Bytes bad = good;
    bad[0] = version;
    EXPECT_EQ(ParseSevSnpReport(bad).status().message(),
              "SEV-SNP report version " + std::to_string(version) +
                  " is not supported (versions 2 and 3 are)");
  }
  Bytes algo = good;
  algo[0x34] = 2;
  EXPECT_THAT(ParseSevSnpReport(algo).status().message(),
              HasSubstr("signature algorithm 2 is not supported"));
  algo[0x34] = 0;  // not signed: parsed, and refused by the verifier
  EXPECT_TRUE(ParseSevSnpReport(algo).ok());
}

TEST(SevSnpReportTest, RefusesReservedFieldsThatAreNotZero) {
  const Bytes good = GoSevGuest().report;
  const auto refused = [&](size_t offset, uint8_t value) {
    Bytes bad = good;
    bad[offset] = value;
    return ParseSevSnpReport(bad).status().message();
  };
  EXPECT_THAT(refused(0x48, 0x20), HasSubstr("reserved bits of the key information word"));
  EXPECT_THAT(refused(0x48, 2 << 2), HasSubstr("SIGNING_KEY 2 is reserved"));
  EXPECT_THAT(refused(0x4C, 1), HasSubstr("reserved bytes (bytes 0x4c..0x4f) are not zero"));
  EXPECT_THAT(refused(0x188, 1), HasSubstr("0x188..0x19f"));  // CPUID bytes are v3 only
  EXPECT_THAT(refused(0x1EB, 1), HasSubstr("reserved byte"));
  EXPECT_THAT(refused(0x29F, 1), HasSubstr("0x1f8..0x29f"));
  EXPECT_THAT(refused(0x2A0 + 48, 1), HasSubstr("zero extension of signature r"));
  EXPECT_THAT(refused(0x2E8 + 71, 1), HasSubstr("zero extension of signature s"));
  EXPECT_THAT(refused(0x4A0 - 1, 1), HasSubstr("reserved bytes of the signature"));
}

TEST(SevSnpReportTest, TcbLayoutsPerProductLine) {
  const SevSnpTcbVersion raw = {1, 2, 3, 4, 0, 0, 7, 8};
  EXPECT_EQ(DecodeSevSnpTcb(raw, SevSnpProduct::kGenoa), (SevSnpTcb{std::nullopt, 1, 2, 7, 8}));
  EXPECT_EQ(DecodeSevSnpTcb(raw, SevSnpProduct::kTurin), (SevSnpTcb{1, 2, 3, 4, 8}));
  EXPECT_EQ(FormatSevSnpTcb(DecodeSevSnpTcb(raw, SevSnpProduct::kTurin)),
            "fmc=1 bl=2 tee=3 snp=4 ucode=8");
  EXPECT_EQ(FormatSevSnpTcb(DecodeSevSnpTcb(raw, SevSnpProduct::kMilan)),
            "bl=1 tee=2 snp=7 ucode=8");
}

TEST(SevSnpReportTest, ProductLines) {
  EXPECT_EQ(SevSnpProductFromCpuid(0x19, 0x01), SevSnpProduct::kMilan);
  EXPECT_EQ(SevSnpProductFromCpuid(0x19, 0x11), SevSnpProduct::kGenoa);
  EXPECT_EQ(SevSnpProductFromCpuid(0x19, 0xA0), SevSnpProduct::kGenoa);
  EXPECT_EQ(SevSnpProductFromCpuid(0x1A, 0x02), SevSnpProduct::kTurin);
  EXPECT_EQ(SevSnpProductFromCpuid(0x17, 0x31), std::nullopt);
  EXPECT_EQ(SevSnpProductFromCpuid(0x19, 0x21), std::nullopt);
  EXPECT_EQ(SevSnpProductFromName("Milan-B0"), SevSnpProduct::kMilan);
  EXPECT_EQ(SevSnpProductFromName("Genoa"), SevSnpProduct::kGenoa);
  EXPECT_EQ(SevSnpProductFromName("Turin"), SevSnpProduct::kTurin);
  EXPECT_EQ(SevSnpProductFromName("Milano"), std::nullopt);
}

TEST(SevSnpReportTest, CachePathAndKdsUrl) {
  const SevSnpReport report = *ParseSevSnpReport(GoSevGuest().report);
  EXPECT_EQ(SevSnpCachePath(report, SevSnpProduct::kMilan), GoSevGuest().cache_path);
  EXPECT_EQ(SevSnpKdsVcekUrl(report, SevSnpProduct::kMilan),
            "https://kdsintf.amd.com/vcek/v1/Milan/" + std::string(kGoSevGuestChip) +
                "?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68");
  // Turin: 8-byte hwID and the fmc SPL first.
  SevSnpReport turin = report;
  turin.reported_tcb = {1, 2, 3, 4, 0, 0, 0, 9};
  EXPECT_EQ(SevSnpCachePath(turin, SevSnpProduct::kTurin),
            "vcek/Turin/3ac3fe21e13fb099/0102030400000009.der");
  EXPECT_EQ(SevSnpKdsVcekUrl(turin, SevSnpProduct::kTurin),
            "https://kdsintf.amd.com/vcek/v1/Turin/3ac3fe21e13fb099"
            "?fmcSPL=1&blSPL=2&teeSPL=3&snpSPL=4&ucodeSPL=9");
  const SevSnpReport vlek = *ParseSevSnpReport(TrusteeVlek().report);
  EXPECT_EQ(SevSnpCachePath(vlek, SevSnpProduct::kMilan), TrusteeVlek().cache_path);
}

// --- Certificates ----------------------------------------------------------------------------

TEST(SevSnpReportTest, ReadsVcekVlekAndTurinExtensions) {
  const SevSnpKeyCertificate vcek = *ReadSevSnpKeyCertificate(Der("go-sev-guest-milan/vcek.der"));
  EXPECT_EQ(vcek.product_name, "Milan-B0");
  EXPECT_EQ(vcek.tcb, (SevSnpTcb{std::nullopt, 2, 0, 5, 68}));
  ASSERT_TRUE(vcek.hwid.has_value());
  EXPECT_EQ(ToHex(*vcek.hwid), kGoSevGuestChip);

  const SevSnpKeyCertificate vlek =
      *ReadSevSnpKeyCertificate(Der("trustee-milan-vlek-aws/vlek.der"));
  EXPECT_EQ(vlek.product_name, "Milan");
  EXPECT_EQ(vlek.tcb, (SevSnpTcb{std::nullopt, 4, 0, 24, 217}));
  EXPECT_FALSE(vlek.hwid.has_value());

  const SevSnpKeyCertificate turin =
      *ReadSevSnpKeyCertificate(Der("amd-roots/vcek_turin_example.der"));
  EXPECT_EQ(turin.product_name, "Turin");
  EXPECT_EQ(turin.tcb, (SevSnpTcb{0, 0, 0, 0, 9}));
  ASSERT_TRUE(turin.hwid.has_value());
  EXPECT_EQ(ToHex(*turin.hwid), "1e550a8ee5cf9f4d");

  EXPECT_FALSE(ReadSevSnpKeyCertificate(Arks()[0]).ok());  // an ARK has no SPLs
}

// The README says the VLEK's serial number is negative; its DER holds INTEGER 0, which
// RFC 5280 does not allow either (serials are positive). It must parse all the same.
TEST(SevSnpTest, VlekWithNonPositiveSerialParses) {
  const Certificate vlek = Der("trustee-milan-vlek-aws/vlek.der");
  EXPECT_EQ(vlek.CommonName(), "SEV-VLEK");
  EXPECT_LE(ASN1_INTEGER_get(X509_get0_serialNumber(vlek.get())), 0);
}

// trustee's two synthetic VCEKs encode hwID the legacy way (raw bytes) and the DER way (an
// OCTET STRING); both encodings read, but neither certificate is signed by the Milan ASK, and
// neither matches a report.
TEST(SevSnpTest, TrusteeInvalidVceksAreRefused) {
  for (const char* name :
       {"trustee-milan-vcek/vcek-invalid-legacy.der", "trustee-milan-vcek/vcek-invalid-new.der"}) {
    SCOPED_TRACE(name);
    const Certificate cert = Der(name);
    const Result<SevSnpKeyCertificate> info = ReadSevSnpKeyCertificate(cert);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    ASSERT_TRUE(info->hwid.has_value());
    EXPECT_EQ(ToHex(*info->hwid).substr(0, 8), "00010203");

    crypto::ChainInputs chain;
    chain.anchors = Arks();
    chain.intermediates = Pem("amd-roots/ask_ark_milan.pem");
    chain.at = At("2024-01-01T00:00:00Z");
    EXPECT_EQ(crypto::VerifyChain(cert, chain).status().message(),
              "the signature of certificate 'SEV-VCEK' does not verify with its issuer's key");

    // In the cache slot of the trustee report they are refused before any chain is built.
    const Sample sample = TrusteeVcek();
    Cache cache;
    cache.Put(sample.cache_path, name);
    EXPECT_THAT(VerifySevSnp(Inputs(sample, cache)).status().message(),
                HasSubstr("but the report's reported TCB is bl=3 tee=0 snp=8 ucode=115"));
  }
}

TEST(SevSnpTest, TurinExampleVcekChainsOnlyToTheTurinArk) {
  const Certificate vcek = Der("amd-roots/vcek_turin_example.der");
  crypto::ChainInputs chain;
  chain.anchors = Arks();
  chain.intermediates = Pem("amd-roots/ask_ark_turin_vcek.pem");
  chain.at = At("2026-01-01T00:00:00Z");
  const auto built = crypto::VerifyChain(vcek, chain);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(built->back().CommonName(), "ARK-Turin");
  chain.intermediates = Pem("amd-roots/ask_ark_milan.pem");
  EXPECT_FALSE(crypto::VerifyChain(vcek, chain).ok());
}

// --- Verification of the real sets -----------------------------------------------------------

// Claims that copy report fields, checked against the raw bytes at the ABI offsets.
void ExpectCommonClaims(const Claims& claims, ByteView report) {
  const auto field = [&](size_t offset, size_t size) {
    const ByteView f = report.subspan(offset, size);
    return Bytes(f.begin(), f.end());
  };
  EXPECT_EQ(claims.platform, Platform::kSevSnp);
  EXPECT_EQ(claims.product, "Milan");
  EXPECT_EQ(claims.measurement, field(0x90, 48));
  EXPECT_EQ(claims.tcb_status, "");
  EXPECT_TRUE(claims.advisories.empty());
  EXPECT_EQ(claims.evidence_time, std::nullopt);
  EXPECT_EQ(claims.report_data, field(0x50, 64));
  EXPECT_EQ(claims.chip_id, field(0x1A0, 64));
  EXPECT_EQ(claims.measurements.at("family_id"), field(0x10, 16));
  EXPECT_EQ(claims.measurements.at("image_id"), field(0x20, 16));
  EXPECT_EQ(claims.measurements.at("host_data"), field(0xC0, 32));
  EXPECT_EQ(claims.measurements.at("id_key_digest"), field(0xE0, 48));
  EXPECT_EQ(claims.measurements.at("author_key_digest"), field(0x110, 48));
  EXPECT_EQ(claims.measurements.at("vmpl"), field(0x30, 4));
  EXPECT_EQ(claims.measurements.at("policy"), field(0x08, 8));
  EXPECT_EQ(claims.measurements.size(), 7U);
}

TEST(SevSnpTest, GoSevGuestMilanVerifiesWithDebugClaims) {
  const Sample sample = GoSevGuest();
  Cache cache;
  cache.Put(sample.cache_path, sample.cert);
  const Result<Claims> claims = VerifySevSnp(Inputs(sample, cache));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  ExpectCommonClaims(*claims, sample.report);
  EXPECT_TRUE(claims->debug);
  EXPECT_EQ(claims->signer, "VCEK");
  EXPECT_EQ(ToHex(claims->chip_id).substr(0, 12), "3ac3fe21e13f");
  EXPECT_EQ(ToHex(claims->report_data), "0102030405" + std::string(118, '0'));
  EXPECT_EQ(claims->tcb,
            (std::map<std::string, uint64_t>{
                {"bootloader", 2}, {"tee", 0}, {"snp", 5}, {"microcode", 68}, {"guest_svn", 0}}));
  EXPECT_EQ(claims->measurements.at("vmpl"), Hex("00000000"));
  EXPECT_EQ(claims->measurements.at("policy"), Hex("00000b0000000000"));
  EXPECT_EQ(claims->measurements.at("id_key_digest"), Bytes(48));
}

TEST(SevSnpTest, VirteeMilanHexReportVerifies) {
  const Sample sample = Virtee();
  ASSERT_EQ(sample.report.size(), kSevSnpReportSize);
  Cache cache;
  cache.Put(sample.cache_path, sample.cert);
  const Result<Claims> claims = VerifySevSnp(Inputs(sample, cache));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  ExpectCommonClaims(*claims, sample.report);
  EXPECT_FALSE(claims->debug);
  EXPECT_EQ(claims->signer, "VCEK");
  EXPECT_EQ(ToHex(claims->chip_id).substr(0, 12), "d49554ec717f");
  EXPECT_EQ(claims->tcb,
            (std::map<std::string, uint64_t>{
                {"bootloader", 3}, {"tee", 0}, {"snp", 8}, {"microcode", 115}, {"guest_svn", 0}}));
}

// current_tcb has ucode 206, reported_tcb ucode 115: only a lookup by the reported TCB finds
// the VCEK, and the claims carry the reported TCB.
TEST(SevSnpTest, TrusteeMilanVcekIsLookedUpByReportedTcb) {
  const Sample sample = TrusteeVcek();
  Cache cache;
  const std::string by_current =
      "vcek/Milan/" + ToHex(ByteView(sample.report).subspan(0x1A0, 64)) + "/03000000000008ce.der";
  cache.Put(by_current, sample.cert);
  EXPECT_EQ(VerifySevSnp(Inputs(sample, cache)).status().code(), StatusCode::kNotFound);

  cache.Put(sample.cache_path, sample.cert);
  const Result<Claims> claims = VerifySevSnp(Inputs(sample, cache));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  ExpectCommonClaims(*claims, sample.report);
  EXPECT_FALSE(claims->debug);
  EXPECT_EQ(ToHex(claims->chip_id).substr(0, 12), "c38427a30d4c");
  EXPECT_EQ(claims->tcb,
            (std::map<std::string, uint64_t>{
                {"bootloader", 3}, {"tee", 0}, {"snp", 8}, {"microcode", 115}, {"guest_svn", 4}}));
  EXPECT_EQ(claims->measurements.at("family_id"), Hex("01000000000000000000000000000000"));
  EXPECT_EQ(claims->measurements.at("image_id"), Hex("02000000000000000000000000000000"));
  EXPECT_EQ(ToHex(claims->measurements.at("id_key_digest")).substr(0, 16), "0356215882a82527");
}

TEST(SevSnpTest, TrusteeVlekVerifiesWhileTheVlekIsValid) {
  const Sample sample = TrusteeVlek();
  Cache cache;
  cache.Put(sample.cache_path, sample.cert);
  const Result<Claims> claims = VerifySevSnp(Inputs(sample, cache));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  ExpectCommonClaims(*claims, sample.report);
  EXPECT_EQ(claims->signer, "VLEK");
  EXPECT_FALSE(claims->debug);
  EXPECT_EQ(claims->chip_id, Bytes(64));
  EXPECT_EQ(claims->measurements.at("vmpl"), Hex("01000000"));
  EXPECT_EQ(claims->tcb,
            (std::map<std::string, uint64_t>{
                {"bootloader", 4}, {"tee", 0}, {"snp", 24}, {"microcode", 217}, {"guest_svn", 0}}));
  EXPECT_EQ(ToHex(claims->report_data).substr(0, 16), "819770b7e6ea6df8");
}

TEST(SevSnpTest, TrusteeVlekFailsOnceTheVlekExpired) {
  Sample sample = TrusteeVlek();
  sample.at = At("2026-11-23T00:00:00Z");
  Cache cache;
  cache.Put(sample.cache_path, sample.cert);
  const Status status = VerifySevSnp(Inputs(sample, cache)).status();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "SEV-SNP VLEK chain: certificate 'SEV-VLEK' expired at 2025-12-10T22:14:21Z, before "
            "the verification time 2026-11-23T00:00:00Z");
}

// A leaf given in the collateral (as the host's certificate table gives it) needs no cache.
TEST(SevSnpTest, LeafFromTheCollateral) {
  for (const Sample& sample : {GoSevGuest(), TrusteeVlek()}) {
    VerifyInputs in;
    in.evidence = sample.report;
    in.anchors = Arks();
    in.collateral.intermediates = Pem(sample.chain);
    in.collateral.intermediates.push_back(Der(sample.cert));
    in.at = sample.at;
    const Result<Claims> claims = VerifySevSnp(in);
    EXPECT_TRUE(claims.ok()) << claims.status().ToString();

    in.collateral.intermediates.push_back(Der(sample.cert));
    EXPECT_THAT(VerifySevSnp(in).status().message(), HasSubstr("give at most one"));
  }
}

// --- Refusals --------------------------------------------------------------------------------

TEST(SevSnpTest, MissingVcekNamesTheFileAndTheKdsUrl) {
  const Sample sample = GoSevGuest();
  Cache cache;
  const Status status = VerifySevSnp(Inputs(sample, cache)).status();
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("reported TCB bl=2 tee=0 snp=5 ucode=68"));
  EXPECT_THAT(status.message(), HasSubstr("expected " + cache.dir() + "/" + sample.cache_path));
  EXPECT_THAT(status.message(),
              HasSubstr("https://kdsintf.amd.com/vcek/v1/Milan/" + std::string(kGoSevGuestChip) +
                        "?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68"));

  const Sample vlek = TrusteeVlek();
  EXPECT_THAT(VerifySevSnp(Inputs(vlek, cache)).status().message(),
              HasSubstr("no VLEK for this SEV-SNP report (reported TCB bl=4 tee=0 snp=24 "
                        "ucode=217): expected " +
                        cache.dir() + "/vlek/Milan/04000000000018d9.der"));
}

TEST(SevSnpTest, VcekForAnotherTcbOrChipIsRefused) {
  // trustee's VCEK (TCB 3/0/8/115) under the go-sev-guest report's name (TCB 2/0/5/68).
  Sample sample = GoSevGuest();
  Cache cache;
  cache.Put(sample.cache_path, "trustee-milan-vcek/vcek.der");
  EXPECT_EQ(VerifySevSnp(Inputs(sample, cache)).status().message(),
            "VCEK " + cache.dir() + "/" + sample.cache_path +
                " is for TCB bl=3 tee=0 snp=8 ucode=115 but the report's reported TCB is bl=2 "
                "tee=0 snp=5 ucode=68");

  // virtee's VCEK has trustee's TCB but another chip.
  sample = TrusteeVcek();
  cache.Put(sample.cache_path, "virtee-milan/vcek_milan.der");
  EXPECT_EQ(VerifySevSnp(Inputs(sample, cache)).status().message(),
            "VCEK " + cache.dir() + "/" + sample.cache_path +
                " is for chip id d49554ec717f4e5b... but the report's chip id is "
                "c38427a30d4c7af9...");
}

// A version-2 report may be Milan or Genoa; the certificate's productName must agree with the
// cache folder it was found in.
TEST(SevSnpTest, VcekOfAnotherProductIsRefused) {
  const Sample sample = GoSevGuest();
  Cache cache;
  const std::string genoa =
      "vcek/Genoa" + sample.cache_path.substr(std::string("vcek/Milan").size());
  cache.Put(genoa, sample.cert);
  EXPECT_THAT(VerifySevSnp(Inputs(sample, cache)).status().message(),
              HasSubstr("is for product 'Milan-B0' but the report is from Genoa"));
}

TEST(SevSnpTest, ChainMustReachThePinnedMilanArk) {
  const Sample sample = GoSevGuest();
  Cache cache;
  cache.Put(sample.cache_path, sample.cert);
  VerifyInputs in = Inputs(sample, cache);

  // Another product's ASK and ARK in place of Milan's.
  for (const char* other : {"amd-roots/ask_ark_genoa.pem", "amd-roots/ask_ark_turin_vcek.pem",
                            "amd-roots/ask_ark_milan_vlek.pem"}) {
    SCOPED_TRACE(other);
    in.collateral.intermediates = Pem(other);
    const Status status = VerifySevSnp(in).status();
    EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
    EXPECT_THAT(status.message(), StartsWith("SEV-SNP VCEK chain: certificate chain of 'SEV-VCEK' "
                                             "does not reach a pinned trust anchor"));
  }
  // Milan's ASK and ARK given, but the Milan ARK is not pinned.
  in.collateral.intermediates = Pem(sample.chain);
  in.anchors = {Arks()[1], Arks()[2]};
  EXPECT_THAT(VerifySevSnp(in).status().message(),
              HasSubstr("does not reach a pinned trust anchor"));
  in.anchors = {};
  EXPECT_THAT(VerifySevSnp(in).status().message(), HasSubstr("no trust anchor is pinned"));
  // No ASK at all.
  in.anchors = Arks();
  in.collateral.intermediates = {};
  EXPECT_THAT(VerifySevSnp(in).status().message(),
              HasSubstr("does not reach a pinned trust anchor"));
}

TEST(SevSnpTest, CertificatesOutsideTheirValidityAreRefused) {
  Sample sample = GoSevGuest();
  Cache cache;
  cache.Put(sample.cache_path, sample.cert);
  sample.at = At("2029-10-01T00:00:00Z");
  EXPECT_EQ(VerifySevSnp(Inputs(sample, cache)).status().message(),
            "SEV-SNP VCEK chain: certificate 'SEV-VCEK' expired at 2029-09-24T00:55:28Z, before "
            "the verification time 2029-10-01T00:00:00Z");
  sample.at = At("2022-09-23T00:00:00Z");
  EXPECT_EQ(VerifySevSnp(Inputs(sample, cache)).status().message(),
            "SEV-SNP VCEK chain: certificate 'SEV-VCEK' is not valid until 2022-09-24T00:55:28Z, "
            "after the verification time 2022-09-23T00:00:00Z");
}

TEST(SevSnpTest, UnsignedReportsAreRefused) {
  const Sample sample = GoSevGuest();
  Cache cache;
  cache.Put(sample.cache_path, sample.cert);
  Bytes report = sample.report;
  report[0x48] = 7 << 2;  // SIGNING_KEY none
  VerifyInputs in = Inputs(sample, cache);
  in.evidence = report;
  EXPECT_EQ(VerifySevSnp(in).status().message(),
            "SEV-SNP report is not signed (SIGNING_KEY is none)");
  report[0x48] = 2;  // MASK_CHIP_KEY
  EXPECT_EQ(VerifySevSnp(in).status().message(),
            "SEV-SNP report is not signed (the host set MASK_CHIP_KEY)");
}

TEST(SevSnpTest, UnknownProductLineIsRefused) {
  Sample sample = TrusteeVlek();
  sample.report[0x188] = 0x17;  // CPUID family 17h (Zen 2): no SEV-SNP
  Cache cache;
  EXPECT_EQ(VerifySevSnp(Inputs(sample, cache)).status().message(),
            "SEV-SNP report is from CPU family 17h model 01h, which is not a known product line "
            "(Milan, Genoa, Turin)");
}

TEST(SevSnpTest, CacheFileThatIsNoVcekIsRefused) {
  const Sample sample = GoSevGuest();
  Cache cache;
  cache.Write(sample.cache_path, Arks()[0].Der());
  EXPECT_EQ(VerifySevSnp(Inputs(sample, cache)).status().message(),
            "VCEK " + cache.dir() + "/" + sample.cache_path +
                ": certificate 'ARK-Milan': no productName extension holding a DER IA5String");
  cache.Write(sample.cache_path, Bytes{0x30, 0x03, 0x02, 0x01, 0x00});
  EXPECT_EQ(VerifySevSnp(Inputs(sample, cache)).status().message(),
            "VCEK file " + cache.dir() + "/" + sample.cache_path + " is not a DER certificate");
}

// Every single-byte change anywhere in the report is refused: in the signed bytes by the
// signature (or, first, by the parser, the lookup or the certificate match), and in the
// signature field by the signature or, for the zero extension of r and s and the field's
// reserved tail, by the parser.
void ExpectEveryByteChangeRefused(const Sample& sample) {
  Cache cache;
  cache.Put(sample.cache_path, sample.cert);
  VerifyInputs in = Inputs(sample, cache);
  ASSERT_TRUE(VerifySevSnp(in).ok());
  for (size_t i = 0; i < kSevSnpReportSize; ++i) {
    for (const uint8_t flip : {0x01, 0x80}) {
      Bytes changed = sample.report;
      changed[i] ^= flip;
      in.evidence = changed;
      const Status status = VerifySevSnp(in).status();
      ASSERT_FALSE(status.ok()) << "byte 0x" << std::hex << i << " ^ 0x" << int{flip};
      // Measured content and r, s: only the signature can tell.
      if ((i >= 0x50 && i < 0x140) || (i >= 0x2A0 && i < 0x2A0 + 48) ||
          (i >= 0x2E8 && i < 0x2E8 + 48)) {
        ASSERT_THAT(status.message(), StartsWith("SEV-SNP report signature does not verify"))
            << "byte 0x" << std::hex << i;
      }
    }
  }
}

TEST(SevSnpTest, EveryByteChangeOfTheGoSevGuestReportIsRefused) {
  ExpectEveryByteChangeRefused(GoSevGuest());
}

TEST(SevSnpTest, EveryByteChangeOfTheVersion3VlekReportIsRefused) {
  ExpectEveryByteChangeRefused(TrusteeVlek());
}

// --- A synthetic Turin hierarchy ------------------------------------------------------------
//
// No public Turin report exists, so a test hierarchy (root, signing CA, VCEK with AMD's
// extensions) and a version-3 Turin report signed by its VCEK check the Turin TCB layout, the
// 8-byte hwID and the product naming of the chain end to end.

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

void AddExtension(X509* cert, const std::string& oid, const Bytes& value) {
  ASN1_OBJECT* object = OBJ_txt2obj(oid.c_str(), 1);
  ASN1_OCTET_STRING* data = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(data, value.data(), static_cast<int>(value.size()));
  X509_EXTENSION* extension = X509_EXTENSION_create_by_OBJ(nullptr, object, 0, data);
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  ASN1_OCTET_STRING_free(data);
  ASN1_OBJECT_free(object);
}

void AddConfExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

void SetName(X509_NAME* name, const std::string& cn) {
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
}

// CN=`cn` for `key`, issued by CN=`issuer` with `issuer_key`, valid 2024..2034.
Certificate MakeCert(const std::string& cn, EVP_PKEY* key, const std::string& issuer,
                     EVP_PKEY* issuer_key, const std::vector<std::pair<std::string, Bytes>>& amd) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  SetName(X509_get_subject_name(cert), cn);
  SetName(X509_get_issuer_name(cert), issuer);
  ASN1_TIME_set(X509_getm_notBefore(cert), 1704067200);  // 2024-01-01
  ASN1_TIME_set(X509_getm_notAfter(cert), 2019686400);   // 2034-01-01
  X509_set_pubkey(cert, key);
  if (amd.empty()) {
    AddConfExtension(cert, NID_basic_constraints, "critical,CA:TRUE");
    AddConfExtension(cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  }
  for (const auto& [oid, value] : amd) AddExtension(cert, oid, value);
  X509_sign(cert, issuer_key, EVP_sha384());
  Certificate out = Certificate::FromOpenSsl(cert);
  X509_free(cert);
  return out;
}

// Signs bytes [0, 0x2A0) with ECDSA P-384/SHA-384 into the report's little-endian r and s.
void SignReport(Bytes& report, EVP_PKEY* key) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t size = 0;
  ASSERT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key), 1);
  ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, report.data(), kSevSnpSignedSize), 1);
  Bytes der(size);
  ASSERT_EQ(EVP_DigestSign(ctx.get(), der.data(), &size, report.data(), kSevSnpSignedSize), 1);
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, void (*)(ECDSA_SIG*)> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<int64_t>(size)), ECDSA_SIG_free);
  ASSERT_TRUE(sig);
  BN_bn2lebinpad(ECDSA_SIG_get0_r(sig.get()), report.data() + 0x2A0, 72);
  BN_bn2lebinpad(ECDSA_SIG_get0_s(sig.get()), report.data() + 0x2E8, 72);
}

class SevSnpTurinTest : public ::testing::Test {
 protected:
  static constexpr std::string_view kHwId = "1e550a8ee5cf9f4d";

  SevSnpTurinTest()
      : ark_key_(EVP_EC_gen("P-384")),
        ask_key_(EVP_EC_gen("P-384")),
        vcek_key_(EVP_EC_gen("P-384")) {}

  // The report: version 3, CPUID family 1Ah model 02h, reported TCB fmc=1 bl=2 tee=3 snp=4
  // ucode=5 in Turin's layout, and a chip id that fills only its first 8 bytes.
  Bytes Report(bool masked_chip_id) {
    Bytes report(kSevSnpReportSize);
    report[0x00] = 3;
    report[0x0A] = 0x03;  // policy 0x30000
    report[0x34] = 1;
    for (size_t i = 0; i < 64; ++i) report[0x50 + i] = 0x5A;
    for (size_t i = 0; i < 48; ++i) report[0x90 + i] = 0xAB;
    const SevSnpTcbVersion tcb = {1, 2, 3, 4, 0, 0, 0, 5};
    std::copy(tcb.begin(), tcb.end(), report.begin() + 0x38);
    std::copy(tcb.begin(), tcb.end(), report.begin() + 0x180);
    report[0x188] = 0x1A;
    report[0x189] = 0x02;
    const Bytes hwid = Hex(kHwId);
    if (!masked_chip_id) std::copy(hwid.begin(), hwid.end(), report.begin() + 0x1A0);
    SignReport(report, vcek_key_.get());
    return report;
  }

  Certificate Ark(const std::string& cn) {
    return MakeCert(cn, ark_key_.get(), cn, ark_key_.get(), {});
  }
  Certificate Ask(const std::string& issuer) {
    return MakeCert("SEV-Turin", ask_key_.get(), issuer, ark_key_.get(), {});
  }
  Certificate Vcek() {
    return MakeCert("SEV-VCEK", vcek_key_.get(), "SEV-Turin", ask_key_.get(),
                    {{"1.3.6.1.4.1.3704.1.2", Hex("1605547572696e")},  // IA5String "Turin"
                     {"1.3.6.1.4.1.3704.1.3.9", Hex("020101")},
                     {"1.3.6.1.4.1.3704.1.3.1", Hex("020102")},
                     {"1.3.6.1.4.1.3704.1.3.2", Hex("020103")},
                     {"1.3.6.1.4.1.3704.1.3.3", Hex("020104")},
                     {"1.3.6.1.4.1.3704.1.3.8", Hex("020105")},
                     {"1.3.6.1.4.1.3704.1.4", Hex(kHwId)}});
  }

  VerifyInputs Inputs(const Bytes& report, const Certificate& ark, const Cache& cache) {
    VerifyInputs in;
    in.evidence = report;
    in.anchors = {ark};
    in.collateral.vcek_cache_dir = cache.dir();
    in.collateral.intermediates = {Ask(ark.CommonName())};
    in.at = At("2026-01-01T00:00:00Z");
    return in;
  }

  void PutVcek(const Cache& cache) {
    cache.Write("vcek/Turin/" + std::string(kHwId) + "/0102030400000005.der", Vcek().Der());
  }

  Pkey ark_key_;
  Pkey ask_key_;
  Pkey vcek_key_;
};

TEST_F(SevSnpTurinTest, Version3TurinReportVerifiesWithFmc) {
  Cache cache;
  PutVcek(cache);
  const Bytes report = Report(false);
  const Result<Claims> claims = VerifySevSnp(Inputs(report, Ark("ARK-Turin"), cache));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->product, "Turin");
  EXPECT_EQ(claims->tcb, (std::map<std::string, uint64_t>{{"fmc", 1},
                                                          {"bootloader", 2},
                                                          {"tee", 3},
                                                          {"snp", 4},
                                                          {"microcode", 5},
                                                          {"guest_svn", 0}}));
  EXPECT_EQ(claims->measurement, Bytes(48, 0xAB));
  EXPECT_EQ(claims->report_data, Bytes(64, 0x5A));
  EXPECT_EQ(ToHex(claims->chip_id), std::string(kHwId) + std::string(112, '0'));
  EXPECT_FALSE(claims->debug);
}

TEST_F(SevSnpTurinTest, ChainMustEndAtTheProductsArk) {
  Cache cache;
  PutVcek(cache);
  const Bytes report = Report(false);
  EXPECT_EQ(VerifySevSnp(Inputs(report, Ark("ARK-Genoa"), cache)).status().message(),
            "SEV-SNP VCEK chain is SEV-VCEK -> SEV-Turin -> ARK-Genoa, expected VCEK -> "
            "SEV-Turin -> ARK-Turin");
}

// With MASK_CHIP_ID the report's chip id is zero: the VCEK cannot be looked up, but one given
// in the collateral still verifies (its key is unique to its chip).
TEST_F(SevSnpTurinTest, MaskedChipIdNeedsTheVcekInTheCollateral) {
  Cache cache;
  PutVcek(cache);
  const Bytes report = Report(true);
  VerifyInputs in = Inputs(report, Ark("ARK-Turin"), cache);
  EXPECT_THAT(VerifySevSnp(in).status().message(), HasSubstr("masked (all-zero) chip id"));
  in.collateral.intermediates.push_back(Vcek());
  const Result<Claims> claims = VerifySevSnp(in);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->chip_id, Bytes(64));
}

}  // namespace
}  // namespace arca::tee
