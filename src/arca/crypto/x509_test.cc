#include "arca/crypto/x509.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "arca/base/bytes.h"

namespace arca::crypto {
namespace {

using ::testing::HasSubstr;

const std::string kSamples = ARCA_ATTESTATION_SAMPLES;

Certificate Der(const std::string& path) {
  Result<Bytes> bytes = ReadFileBytes(kSamples + "/" + path);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<Certificate> cert = Certificate::FromDer(*bytes);
  EXPECT_TRUE(cert.ok()) << path << ": " << cert.status().ToString();
  return *cert;
}

std::vector<Certificate> Pem(const std::string& path) {
  Result<Bytes> bytes = ReadFileBytes(kSamples + "/" + path);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<std::vector<Certificate>> certs = Certificate::AllFromPem(
      std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  EXPECT_TRUE(certs.ok()) << path << ": " << certs.status().ToString();
  return *certs;
}

UnixTime At(const char* text) { return *ParseTime(text); }

// ask_ark_<product>.pem holds the ASK, then the ARK.
struct AmdChain {
  Certificate ask, ark;
};
AmdChain Amd(const std::string& product) {
  std::vector<Certificate> certs = Pem("sev-snp/amd-roots/ask_ark_" + product + ".pem");
  return {certs.at(0), certs.at(1)};
}

TEST(X509Test, MilanVcekChainsToThePinnedArk) {
  const Certificate vcek = Der("sev-snp/go-sev-guest-milan/vcek.der");
  const AmdChain milan = Amd("milan");
  Result<std::vector<Certificate>> chain =
      VerifyChain(vcek, {{milan.ark}, {milan.ask}, {}, At("2026-11-23")});
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[0].CommonName(), "SEV-VCEK");
  EXPECT_EQ((*chain)[1].CommonName(), "SEV-Milan");
  EXPECT_EQ((*chain)[2].CommonName(), "ARK-Milan");
  EXPECT_TRUE(vcek.IsSignedBy(milan.ask));
  EXPECT_FALSE(vcek.IsSignedBy(milan.ark));
  EXPECT_EQ(vcek.Key().Description(), "EC secp384r1");
}

TEST(X509Test, AnArkFromTheEvidenceIsNotTrusted) {
  const Certificate vcek = Der("sev-snp/go-sev-guest-milan/vcek.der");
  const AmdChain milan = Amd("milan");
  const AmdChain genoa = Amd("genoa");
  // The Milan ARK offered only as an intermediate, with Genoa's ARK pinned.
  Result<std::vector<Certificate>> chain =
      VerifyChain(vcek, {{genoa.ark}, {milan.ask, milan.ark}, {}, At("2026-11-23")});
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(chain.status().message(), HasSubstr("does not reach a pinned trust anchor"));
  EXPECT_FALSE(VerifyChain(vcek, {{}, {milan.ask, milan.ark}, {}, At("2026-11-23")}).ok());
}

TEST(X509Test, ExpiryAndNotYetValidNameTheCertificateAndTheTimes) {
  const Certificate vlek = Der("sev-snp/trustee-milan-vlek-aws/vlek.der");
  const std::vector<Certificate> asvk_ark =
      Pem("sev-snp/trustee-milan-vlek-aws/asvk_ark_milan.pem");
  const ChainInputs later{{asvk_ark.at(1)}, {asvk_ark.at(0)}, {}, At("2026-11-23")};
  Result<std::vector<Certificate>> expired = VerifyChain(vlek, later);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().message(), "certificate 'SEV-VLEK' expired at 2025-12-10T" +
                                            FormatTime(vlek.NotAfter()).substr(11) +
                                            ", before the verification time 2026-11-23T00:00:00Z");
  ChainInputs earlier = later;
  earlier.at = At("2020-01-01");
  EXPECT_THAT(VerifyChain(vlek, earlier).status().message(), HasSubstr("is not valid until"));
  earlier.at = At("2025-06-01");
  EXPECT_TRUE(VerifyChain(vlek, earlier).ok()) << VerifyChain(vlek, earlier).status().ToString();
}

TEST(X509Test, CrlsAreCheckedForSignatureFreshnessAndRevocation) {
  const std::string dir = "tdx/go-tdx-guest-spr-v4/";
  const Certificate root = Pem(dir + "intel_sgx_root_ca.pem").at(0);
  const Certificate platform_ca = Pem(dir + "pck_crl_issuer_chain.pem").at(0);
  const Crl pck_crl = *Crl::Parse(*ReadFileBytes(kSamples + "/" + dir + "pck_platform_crl.der"));
  const Crl root_crl = *Crl::Parse(*ReadFileBytes(kSamples + "/" + dir + "root_ca_crl.der"));
  EXPECT_THAT(pck_crl.Issuer(), HasSubstr("Intel SGX PCK Platform CA"));

  // The platform CA against the root, with the root's CRL: current in July 2023, stale now.
  ChainInputs inputs{{root}, {}, {root_crl, pck_crl}, At("2023-07-01T01:00:00Z")};
  EXPECT_TRUE(VerifyChain(platform_ca, inputs).ok());
  inputs.at = At("2026-11-23");
  const Status stale = VerifyChain(platform_ca, inputs).status();
  EXPECT_THAT(stale.message(),
              HasSubstr("collateral is not current: the CRL of 'Intel SGX Root CA'"));
  EXPECT_THAT(stale.message(), ::testing::Not(HasSubstr("expired at")));
}

TEST(X509Test, ReadsExtensionsAndFingerprints) {
  const Certificate vcek = Der("sev-snp/go-sev-guest-milan/vcek.der");
  // blSPL, an INTEGER 2 (README: bl=2).
  Result<Bytes> bl = vcek.Extension("1.3.6.1.4.1.3704.1.3.1");
  ASSERT_TRUE(bl.ok()) << bl.status().ToString();
  EXPECT_EQ(ToHex(*bl), "020102");
  EXPECT_EQ(vcek.Extension("1.2.3.4").status().code(), StatusCode::kNotFound);
  // AWS publishes this SHA-256 fingerprint of the Nitro Enclaves root.
  const Certificate aws = Pem("nitro/evervault/aws_nitro_enclaves_root_g1.pem").at(0);
  EXPECT_EQ(ToHex(aws.Fingerprint()),
            "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b");
}

TEST(X509Test, GarbageIsAnErrorNotACrash) {
  const Bytes junk = {0x30, 0x82, 0xff, 0xff, 0x01};
  EXPECT_FALSE(Certificate::FromDer(junk).ok());
  EXPECT_FALSE(Certificate::AllFromPem("-----BEGIN CERTIFICATE-----\nAAAA\n").ok());
  EXPECT_FALSE(Crl::Parse(junk).ok());
}

}  // namespace
}  // namespace arca::crypto
