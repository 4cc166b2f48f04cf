// VerifySevSnp: an AMD SEV-SNP ATTESTATION_REPORT -> Claims (docs/attestation/sev-snp.md).
//
// Checks, in order: the report parses; it is signed; its product line; its VCEK/VLEK is
// found (in the collateral, else in the cache by chip id and REPORTED_TCB); the certificate's
// extensions name that product, TCB and chip; the certificate chains through the ASK (ASVK)
// to a pinned ARK of that product at the verification time; the report's signature verifies
// with the certificate's key.
#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "arca/crypto/public_key.h"
#include "arca/tee/sev_snp_report.h"
#include "arca/tee/verifier.h"

namespace arca::tee {
namespace {

using crypto::Certificate;

// The certificate that signed the report, and where it came from (for messages).
struct SigningCert {
  Certificate cert;
  std::string origin;
  SevSnpProduct product;
};

std::string_view SignerName(const SevSnpReport& report) {
  return report.signing_key == SevSnpSigningKey::kVlek ? "VLEK" : "VCEK";
}

// A short form of a long hex value for messages.
std::string HexPrefix(ByteView bytes) {
  return ToHex(bytes.first(std::min<size_t>(8, bytes.size()))) + "...";
}

Status CheckSigned(const SevSnpReport& report) {
  if (report.signature_algo != 1) {
    return PermissionDeniedError("SEV-SNP report is not signed (SIGNATURE_ALGO 0)");
  }
  if (report.signing_key == SevSnpSigningKey::kNone) {
    return PermissionDeniedError("SEV-SNP report is not signed (SIGNING_KEY is none)");
  }
  if (report.mask_chip_key) {
    return PermissionDeniedError("SEV-SNP report is not signed (the host set MASK_CHIP_KEY)");
  }
  return OkStatus();
}

// The product lines the report can come from. Version 3 names it by CPUID; version 2 predates
// Turin (whose firmware writes version 3 or later), so it is Milan or Genoa, which share a TCB
// layout, and the certificate found decides.
Result<std::vector<SevSnpProduct>> CandidateProducts(const SevSnpReport& report) {
  if (!report.cpuid) {
    return std::vector<SevSnpProduct>{SevSnpProduct::kMilan, SevSnpProduct::kGenoa};
  }
  const std::optional<SevSnpProduct> product =
      SevSnpProductFromCpuid(report.cpuid->family, report.cpuid->model);
  if (!product) {
    const uint8_t family = report.cpuid->family;
    const uint8_t model = report.cpuid->model;
    return UnimplementedError("SEV-SNP report is from CPU family " + ToHex({&family, 1}) +
                              "h model " + ToHex({&model, 1}) +
                              "h, which is not a known product line (Milan, Genoa, Turin)");
  }
  return std::vector<SevSnpProduct>{*product};
}

std::string ProductList(const std::vector<SevSnpProduct>& products) {
  std::string out;
  for (const SevSnpProduct p : products) {
    if (!out.empty()) out += " or ";
    out += SevSnpProductName(p);
  }
  return out;
}

Result<SevSnpKeyCertificate> ReadKeyCertificate(const Certificate& cert,
                                                const std::string& origin) {
  Result<SevSnpKeyCertificate> info = ReadSevSnpKeyCertificate(cert);
  if (!info.ok()) return info.status().WithContext(origin);
  return info;
}

// A leaf given explicitly in the collateral (e.g. from the extended report's certificate
// table): a certificate named SEV-VCEK or SEV-VLEK among the intermediates.
Result<std::optional<SigningCert>> LeafFromCollateral(const SevSnpReport& report,
                                                      const std::vector<SevSnpProduct>& products,
                                                      const Collateral& collateral) {
  const std::string cn = "SEV-" + std::string(SignerName(report));
  std::vector<Certificate> leaves;
  for (const Certificate& cert : collateral.intermediates) {
    if (cert.CommonName() == cn) leaves.push_back(cert);
  }
  if (leaves.empty()) return std::optional<SigningCert>();
  if (leaves.size() > 1) {
    return InvalidArgumentError("the collateral holds " + std::to_string(leaves.size()) + " " + cn +
                                " certificates; give at most one");
  }
  const std::string origin = "the " + cn + " certificate of the collateral";
  ARCA_ASSIGN_OR_RETURN(const SevSnpKeyCertificate info, ReadKeyCertificate(leaves[0], origin));
  const std::optional<SevSnpProduct> product = SevSnpProductFromName(info.product_name);
  if (!product || std::find(products.begin(), products.end(), *product) == products.end()) {
    return FailedPreconditionError(origin + " is for product '" + info.product_name +
                                   "' but the report is from " + ProductList(products));
  }
  return std::optional<SigningCert>(SigningCert{leaves[0], origin, *product});
}

Result<SigningCert> ReadCachedLeaf(const std::string& path, const std::string& signer,
                                   SevSnpProduct product) {
  ARCA_ASSIGN_OR_RETURN(const Bytes der, ReadFileBytes(path));
  Result<Certificate> cert = Certificate::FromDer(der);
  if (!cert.ok()) return DataLossError(signer + " file " + path + " is not a DER certificate");
  return SigningCert{*std::move(cert), path, product};
}

// The leaf from the cache directory (layout in sev_snp_report.h).
Result<SigningCert> LeafFromCache(const SevSnpReport& report,
                                  const std::vector<SevSnpProduct>& products,
                                  const std::string& dir) {
  const std::string signer(SignerName(report));
  const bool masked =
      report.signing_key == SevSnpSigningKey::kVcek &&
      std::all_of(report.chip_id.begin(), report.chip_id.end(), [](uint8_t b) { return b == 0; });
  if (masked) {
    return NotFoundError(
        "SEV-SNP report has a masked (all-zero) chip id, so its VCEK cannot be looked up in the "
        "cache; give the VCEK (CN=SEV-VCEK) in the collateral");
  }
  std::string expected;
  for (const SevSnpProduct product : products) {
    const std::string path = dir + "/" + SevSnpCachePath(report, product);
    std::error_code error;
    if (!dir.empty() && std::filesystem::exists(path, error)) {
      return ReadCachedLeaf(path, signer, product);
    }
    if (!expected.empty()) expected += " or ";
    expected += path;
  }
  const SevSnpTcb tcb = DecodeSevSnpTcb(report.reported_tcb, products.front());
  std::string message = "no " + signer + " for this SEV-SNP report (";
  if (report.signing_key == SevSnpSigningKey::kVcek) {
    message += "chip id " + HexPrefix(report.chip_id) + ", ";
  }
  message += "reported TCB " + FormatSevSnpTcb(tcb) + "): ";
  message += dir.empty() ? "no VCEK cache directory is configured and the collateral has none"
                         : "expected " + expected;
  if (report.signing_key == SevSnpSigningKey::kVcek) {
    message += "; AMD KDS serves it at " + SevSnpKdsVcekUrl(report, products.front());
    if (products.size() > 1) message += " (Genoa: the same with Genoa for Milan)";
  } else {
    message +=
        "; AMD KDS does not serve VLEKs publicly: the cloud provider's host gives it "
        "with the report (extended report certificate table)";
  }
  return NotFoundError(message);
}

// The certificate's extensions must name the report's product line, reported TCB and chip.
Status CheckCertificateMatches(const SigningCert& leaf, const SevSnpReport& report) {
  ARCA_ASSIGN_OR_RETURN(
      const SevSnpKeyCertificate info,
      ReadKeyCertificate(leaf.cert, std::string(SignerName(report)) + " " + leaf.origin));
  const std::string product(SevSnpProductName(leaf.product));
  if (SevSnpProductFromName(info.product_name) != leaf.product) {
    return FailedPreconditionError(std::string(SignerName(report)) + " " + leaf.origin +
                                   " is for product '" + info.product_name +
                                   "' but the report is from " + product);
  }
  const SevSnpTcb reported = DecodeSevSnpTcb(report.reported_tcb, leaf.product);
  if (!(info.tcb == reported)) {
    return FailedPreconditionError(std::string(SignerName(report)) + " " + leaf.origin +
                                   " is for TCB " + FormatSevSnpTcb(info.tcb) +
                                   " but the report's reported TCB is " +
                                   FormatSevSnpTcb(reported));
  }
  if (report.signing_key == SevSnpSigningKey::kVlek) return OkStatus();
  if (!info.hwid) {
    return FailedPreconditionError("VCEK " + leaf.origin + " has no hwID extension");
  }
  const ByteView chip = SevSnpHardwareId(report.chip_id, leaf.product);
  const bool masked = std::all_of(chip.begin(), chip.end(), [](uint8_t b) { return b == 0; });
  // A masked chip id cannot be compared; the VCEK, unique to its chip, still signs the report.
  if (!masked && !std::equal(chip.begin(), chip.end(), info.hwid->begin(), info.hwid->end())) {
    return FailedPreconditionError("VCEK " + leaf.origin + " is for chip id " +
                                   HexPrefix(*info.hwid) + " but the report's chip id is " +
                                   HexPrefix(chip));
  }
  return OkStatus();
}

// VCEK -> ASK "SEV-<Product>" -> ARK "ARK-<Product>", or VLEK -> ASVK "SEV-VLEK-<Product>" ->
// ARK; the ARK must be a pinned anchor.
Status CheckChain(const SigningCert& leaf, const SevSnpReport& report, const VerifyInputs& in) {
  const std::string signer(SignerName(report));
  crypto::ChainInputs chain_inputs;
  chain_inputs.anchors = in.anchors;
  chain_inputs.intermediates = in.collateral.intermediates;
  chain_inputs.crls = in.collateral.crls;
  chain_inputs.at = in.at;
  Result<std::vector<Certificate>> chain = crypto::VerifyChain(leaf.cert, chain_inputs);
  if (!chain.ok()) return chain.status().WithContext("SEV-SNP " + signer + " chain");
  const std::string product(SevSnpProductName(leaf.product));
  const std::string signing_ca =
      report.signing_key == SevSnpSigningKey::kVlek ? "SEV-VLEK-" + product : "SEV-" + product;
  if (chain->size() != 3 || (*chain)[1].CommonName() != signing_ca ||
      (*chain)[2].CommonName() != "ARK-" + product) {
    std::string names;
    for (const Certificate& cert : *chain) {
      if (!names.empty()) names += " -> ";
      names += cert.CommonName();
    }
    return PermissionDeniedError("SEV-SNP " + signer + " chain is " + names + ", expected " +
                                 signer + " -> " + signing_ca + " -> ARK-" + product);
  }
  return OkStatus();
}

Status CheckSignature(const SigningCert& leaf, const SevSnpReport& report, ByteView evidence) {
  const crypto::PublicKey key = leaf.cert.Key();
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC || EVP_PKEY_get_bits(key.get()) != 384) {
    return FailedPreconditionError(std::string(SignerName(report)) + " " + leaf.origin + " has a " +
                                   key.Description() + " key, not EC P-384");
  }
  const Status status =
      crypto::VerifyEcdsa(key, crypto::DigestAlgorithm::kSha384, evidence.first(kSevSnpSignedSize),
                          report.signature_r, report.signature_s);
  if (!status.ok()) {
    return DataLossError("SEV-SNP report signature does not verify with the " +
                         std::string(SignerName(report)) + " " + leaf.origin);
  }
  return OkStatus();
}

template <size_t N>
Bytes ToBytes(const std::array<uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

Bytes LittleEndian(uint64_t value, size_t size) {
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(value >> (8 * i));
  return out;
}

Claims ToClaims(const SevSnpReport& report, SevSnpProduct product) {
  Claims claims;
  claims.platform = Platform::kSevSnp;
  claims.product = std::string(SevSnpProductName(product));
  claims.measurement = ToBytes(report.measurement);
  claims.measurements["host_data"] = ToBytes(report.host_data);
  claims.measurements["id_key_digest"] = ToBytes(report.id_key_digest);
  claims.measurements["author_key_digest"] = ToBytes(report.author_key_digest);
  claims.measurements["family_id"] = ToBytes(report.family_id);
  claims.measurements["image_id"] = ToBytes(report.image_id);
  // Exact-match values rather than minimums, so measurements and not tcb: a lower VMPL is more
  // privileged, and policy bits are not ordered.
  claims.measurements["vmpl"] = LittleEndian(report.vmpl, 4);
  claims.measurements["policy"] = LittleEndian(report.policy, 8);
  const SevSnpTcb tcb = DecodeSevSnpTcb(report.reported_tcb, product);
  claims.tcb["bootloader"] = tcb.bootloader;
  claims.tcb["tee"] = tcb.tee;
  claims.tcb["snp"] = tcb.snp;
  claims.tcb["microcode"] = tcb.microcode;
  if (tcb.fmc) claims.tcb["fmc"] = *tcb.fmc;
  claims.tcb["guest_svn"] = report.guest_svn;
  claims.tcb_status = "";
  claims.debug = report.debug();
  claims.report_data = ToBytes(report.report_data);
  claims.chip_id = ToBytes(report.chip_id);
  claims.signer = std::string(SignerName(report));
  return claims;
}

}  // namespace

Result<Claims> VerifySevSnp(const VerifyInputs& in) {
  ARCA_ASSIGN_OR_RETURN(const SevSnpReport report, ParseSevSnpReport(in.evidence));
  ARCA_RETURN_IF_ERROR(CheckSigned(report));
  ARCA_ASSIGN_OR_RETURN(const std::vector<SevSnpProduct> products, CandidateProducts(report));
  ARCA_ASSIGN_OR_RETURN(std::optional<SigningCert> leaf,
                        LeafFromCollateral(report, products, in.collateral));
  if (!leaf) {
    ARCA_ASSIGN_OR_RETURN(leaf, LeafFromCache(report, products, in.collateral.vcek_cache_dir));
  }
  ARCA_RETURN_IF_ERROR(CheckCertificateMatches(*leaf, report));
  ARCA_RETURN_IF_ERROR(CheckChain(*leaf, report, in));
  ARCA_RETURN_IF_ERROR(CheckSignature(*leaf, report, in.evidence));
  return ToClaims(report, leaf->product);
}

}  // namespace arca::tee
