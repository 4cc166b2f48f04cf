#include "arca/tee/sev_snp_report.h"

#include <openssl/asn1.h>
#include <openssl/err.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "arca/crypto/openssl_ptr.h"

namespace arca::tee {
namespace {

// Offsets in the ATTESTATION_REPORT (56860, table "ATTESTATION_REPORT Structure").
constexpr size_t kVersion = 0x000;
constexpr size_t kGuestSvn = 0x004;
constexpr size_t kPolicy = 0x008;
constexpr size_t kFamilyId = 0x010;
constexpr size_t kImageId = 0x020;
constexpr size_t kVmpl = 0x030;
constexpr size_t kSignatureAlgo = 0x034;
constexpr size_t kCurrentTcb = 0x038;
constexpr size_t kPlatformInfo = 0x040;
constexpr size_t kKeyInfo = 0x048;
constexpr size_t kReportData = 0x050;
constexpr size_t kMeasurement = 0x090;
constexpr size_t kHostData = 0x0C0;
constexpr size_t kIdKeyDigest = 0x0E0;
constexpr size_t kAuthorKeyDigest = 0x110;
constexpr size_t kReportId = 0x140;
constexpr size_t kReportIdMa = 0x160;
constexpr size_t kReportedTcb = 0x180;
constexpr size_t kCpuid = 0x188;  // family, model, stepping (version 3)
constexpr size_t kChipId = 0x1A0;
constexpr size_t kCommittedTcb = 0x1E0;
constexpr size_t kCurrentVersion = 0x1E8;    // build, minor, major, reserved
constexpr size_t kCommittedVersion = 0x1EC;  // build, minor, major, reserved
constexpr size_t kLaunchTcb = 0x1F0;
// ECDSA P-384 signature (56860, "Signature Format for ECDSA P-384 with SHA-384"): r at 0x00
// and s at 0x48, each 72 bytes little-endian, then reserved bytes up to 0x200.
constexpr size_t kSignatureR = kSevSnpSignedSize;
constexpr size_t kSignatureS = kSevSnpSignedSize + 0x48;
constexpr size_t kSignatureEnd = kSevSnpSignedSize + 0x90;
constexpr size_t kScalarSize = 48;   // a P-384 scalar
constexpr size_t kScalarField = 72;  // its zero-extended field in the report

constexpr uint32_t kAlgoNone = 0;
constexpr uint32_t kAlgoEcdsaP384Sha384 = 1;

// Extension OIDs of VCEK/VLEK certificates (57230).
constexpr std::string_view kOidProductName = "1.3.6.1.4.1.3704.1.2";
constexpr std::string_view kOidBlSpl = "1.3.6.1.4.1.3704.1.3.1";
constexpr std::string_view kOidTeeSpl = "1.3.6.1.4.1.3704.1.3.2";
constexpr std::string_view kOidSnpSpl = "1.3.6.1.4.1.3704.1.3.3";
constexpr std::string_view kOidUcodeSpl = "1.3.6.1.4.1.3704.1.3.8";
constexpr std::string_view kOidFmcSpl = "1.3.6.1.4.1.3704.1.3.9";
constexpr std::string_view kOidHwId = "1.3.6.1.4.1.3704.1.4";

uint32_t Le32(ByteView b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(b[at + i]) << (8 * i);
  return v;
}

uint64_t Le64(ByteView b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
  return v;
}

template <size_t N>
std::array<uint8_t, N> Take(ByteView b, size_t at) {
  std::array<uint8_t, N> out{};
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(at), N, out.begin());
  return out;
}

// "0x1f8"
std::string HexNumber(uint64_t v) {
  char text[24];
  std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(v));
  return text;
}

Status Malformed(const std::string& what) {
  return DataLossError("malformed SEV-SNP report: " + what);
}

// Reserved bytes [begin, end) must be zero (56860 marks them reserved, written as zero).
Status CheckZero(ByteView b, size_t begin, size_t end, std::string_view what) {
  if (std::any_of(b.begin() + static_cast<std::ptrdiff_t>(begin),
                  b.begin() + static_cast<std::ptrdiff_t>(end), [](uint8_t x) { return x != 0; })) {
    return Malformed(std::string(what) + " (bytes " + HexNumber(begin) + ".." + HexNumber(end - 1) +
                     ") are not zero");
  }
  return OkStatus();
}

// A little-endian zero-extended scalar field -> 48 big-endian bytes.
Result<std::array<uint8_t, kScalarSize>> Scalar(ByteView b, size_t at, std::string_view name) {
  ARCA_RETURN_IF_ERROR(CheckZero(b, at + kScalarSize, at + kScalarField,
                                 "the zero extension of signature " + std::string(name)));
  std::array<uint8_t, kScalarSize> out{};
  std::reverse_copy(b.begin() + static_cast<std::ptrdiff_t>(at),
                    b.begin() + static_cast<std::ptrdiff_t>(at + kScalarSize), out.begin());
  return out;
}

// An SPL extension: a DER INTEGER 0..255 filling the extension value.
Result<uint8_t> ReadSpl(const crypto::Certificate& cert, std::string_view oid,
                        std::string_view name) {
  Result<Bytes> extension = cert.Extension(oid);
  if (!extension.ok()) {
    return InvalidArgumentError("certificate '" + cert.CommonName() + "' has no " +
                                std::string(name) + " extension (" + std::string(oid) + ")");
  }
  const Bytes& value = *extension;
  const unsigned char* p = value.data();
  crypto::OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free> integer(
      d2i_ASN1_INTEGER(nullptr, &p, static_cast<int64_t>(value.size())));
  uint64_t v = 0;
  const bool ok = integer && p == value.data() + value.size() &&
                  ASN1_INTEGER_get_uint64(&v, integer.get()) == 1 && v <= 0xFF;
  ERR_clear_error();
  if (!ok) {
    return InvalidArgumentError("certificate '" + cert.CommonName() + "': extension " +
                                std::string(name) + " (" + std::string(oid) +
                                ") is not a DER INTEGER 0..255");
  }
  return static_cast<uint8_t>(v);
}

// A DER string of the given type filling `value`, or nullopt.
std::optional<Bytes> DerString(const Bytes& value, int type) {
  const unsigned char* p = value.data();
  crypto::OpenSslPtr<ASN1_STRING, ASN1_STRING_free> str(
      type == V_ASN1_IA5STRING
          ? d2i_ASN1_IA5STRING(nullptr, &p, static_cast<int64_t>(value.size()))
          : d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<int64_t>(value.size())));
  ERR_clear_error();
  if (!str || p != value.data() + value.size()) return std::nullopt;
  const unsigned char* data = ASN1_STRING_get0_data(str.get());
  return Bytes(data, data + ASN1_STRING_length(str.get()));
}

}  // namespace

std::string_view SevSnpProductName(SevSnpProduct product) {
  switch (product) {
    case SevSnpProduct::kMilan:
      return "Milan";
    case SevSnpProduct::kGenoa:
      return "Genoa";
    case SevSnpProduct::kTurin:
      return "Turin";
  }
  return "?";
}

// Family and model ranges as in AMD's processor programming references (Milan: family 19h
// models 00h-0Fh; Genoa, Bergamo, Siena: 19h 10h-1Fh and A0h-AFh; Turin: 1Ah 00h-11h), the
// same table virtee/sev's Generation::identify_cpu uses.
std::optional<SevSnpProduct> SevSnpProductFromCpuid(uint8_t family, uint8_t model) {
  if (family == 0x19 && model <= 0x0F) return SevSnpProduct::kMilan;
  if (family == 0x19 && ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF))) {
    return SevSnpProduct::kGenoa;
  }
  if (family == 0x1A && model <= 0x11) return SevSnpProduct::kTurin;
  return std::nullopt;
}

std::optional<SevSnpProduct> SevSnpProductFromName(std::string_view product_name) {
  const std::string_view line = product_name.substr(0, product_name.find('-'));
  for (const SevSnpProduct p :
       {SevSnpProduct::kMilan, SevSnpProduct::kGenoa, SevSnpProduct::kTurin}) {
    if (line == SevSnpProductName(p)) return p;
  }
  return std::nullopt;
}

SevSnpTcb DecodeSevSnpTcb(const SevSnpTcbVersion& raw, SevSnpProduct product) {
  SevSnpTcb tcb;
  if (product == SevSnpProduct::kTurin) {
    tcb.fmc = raw[0];
    tcb.bootloader = raw[1];
    tcb.tee = raw[2];
    tcb.snp = raw[3];
  } else {
    tcb.bootloader = raw[0];
    tcb.tee = raw[1];
    tcb.snp = raw[6];
  }
  tcb.microcode = raw[7];
  return tcb;
}

std::string FormatSevSnpTcb(const SevSnpTcb& tcb) {
  std::string out = tcb.fmc ? "fmc=" + std::to_string(*tcb.fmc) + " " : "";
  return out + "bl=" + std::to_string(tcb.bootloader) + " tee=" + std::to_string(tcb.tee) +
         " snp=" + std::to_string(tcb.snp) + " ucode=" + std::to_string(tcb.microcode);
}

Result<SevSnpReport> ParseSevSnpReport(ByteView b) {
  if (b.size() != kSevSnpReportSize) {
    return Malformed(std::to_string(b.size()) + " bytes, expected " +
                     std::to_string(kSevSnpReportSize));
  }
  SevSnpReport r;
  r.version = Le32(b, kVersion);
  if (r.version != 2 && r.version != 3) {
    return UnimplementedError("SEV-SNP report version " + std::to_string(r.version) +
                              " is not supported (versions 2 and 3 are)");
  }
  r.signature_algo = Le32(b, kSignatureAlgo);
  if (r.signature_algo != kAlgoNone && r.signature_algo != kAlgoEcdsaP384Sha384) {
    return UnimplementedError("SEV-SNP report signature algorithm " +
                              std::to_string(r.signature_algo) +
                              " is not supported (1 = ECDSA P-384 with SHA-384 is)");
  }
  // Bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY, bits 4:2 SIGNING_KEY, bits 31:5 reserved.
  const uint32_t key_info = Le32(b, kKeyInfo);
  if ((key_info >> 5) != 0) {
    return Malformed("reserved bits of the key information word " + HexNumber(key_info) +
                     " are set");
  }
  const uint32_t signing_key = (key_info >> 2) & 7;
  if (signing_key != 0 && signing_key != 1 && signing_key != 7) {
    return Malformed("SIGNING_KEY " + std::to_string(signing_key) + " is reserved");
  }
  r.author_key_en = (key_info & 1) != 0;
  r.mask_chip_key = (key_info & 2) != 0;
  r.signing_key = static_cast<SevSnpSigningKey>(signing_key);
  ARCA_RETURN_IF_ERROR(CheckZero(b, kKeyInfo + 4, kReportData, "reserved bytes"));
  ARCA_RETURN_IF_ERROR(
      CheckZero(b, r.version >= 3 ? kCpuid + 3 : kCpuid, kChipId, "reserved bytes"));
  ARCA_RETURN_IF_ERROR(CheckZero(b, kCurrentVersion + 3, kCurrentVersion + 4, "reserved byte"));
  ARCA_RETURN_IF_ERROR(CheckZero(b, kCommittedVersion + 3, kCommittedVersion + 4, "reserved byte"));
  ARCA_RETURN_IF_ERROR(CheckZero(b, kLaunchTcb + 8, kSevSnpSignedSize, "reserved bytes"));

  r.guest_svn = Le32(b, kGuestSvn);
  r.policy = Le64(b, kPolicy);
  r.family_id = Take<16>(b, kFamilyId);
  r.image_id = Take<16>(b, kImageId);
  r.vmpl = Le32(b, kVmpl);
  r.current_tcb = Take<8>(b, kCurrentTcb);
  r.platform_info = Le64(b, kPlatformInfo);
  r.report_data = Take<64>(b, kReportData);
  r.measurement = Take<48>(b, kMeasurement);
  r.host_data = Take<32>(b, kHostData);
  r.id_key_digest = Take<48>(b, kIdKeyDigest);
  r.author_key_digest = Take<48>(b, kAuthorKeyDigest);
  r.report_id = Take<32>(b, kReportId);
  r.report_id_ma = Take<32>(b, kReportIdMa);
  r.reported_tcb = Take<8>(b, kReportedTcb);
  if (r.version >= 3) r.cpuid = SevSnpCpuid{b[kCpuid], b[kCpuid + 1], b[kCpuid + 2]};
  r.chip_id = Take<64>(b, kChipId);
  r.committed_tcb = Take<8>(b, kCommittedTcb);
  r.current_version = {b[kCurrentVersion], b[kCurrentVersion + 1], b[kCurrentVersion + 2]};
  r.committed_version = {b[kCommittedVersion], b[kCommittedVersion + 1], b[kCommittedVersion + 2]};
  r.launch_tcb = Take<8>(b, kLaunchTcb);

  // The signature field is not signed: refusing anything but the canonical encoding keeps
  // every byte of the report meaningful (no two accepted reports differ only there).
  if (r.signature_algo == kAlgoEcdsaP384Sha384) {
    ARCA_ASSIGN_OR_RETURN(r.signature_r, Scalar(b, kSignatureR, "r"));
    ARCA_ASSIGN_OR_RETURN(r.signature_s, Scalar(b, kSignatureS, "s"));
    ARCA_RETURN_IF_ERROR(
        CheckZero(b, kSignatureEnd, kSevSnpReportSize, "reserved bytes of the signature"));
  }
  return r;
}

Result<SevSnpKeyCertificate> ReadSevSnpKeyCertificate(const crypto::Certificate& cert) {
  SevSnpKeyCertificate out;
  Result<Bytes> name_value = cert.Extension(kOidProductName);
  const std::optional<Bytes> name =
      name_value.ok() ? DerString(*name_value, V_ASN1_IA5STRING) : std::nullopt;
  if (!name) {
    return InvalidArgumentError("certificate '" + cert.CommonName() +
                                "': no productName extension holding a DER IA5String");
  }
  out.product_name.assign(name->begin(), name->end());
  ARCA_ASSIGN_OR_RETURN(out.tcb.bootloader, ReadSpl(cert, kOidBlSpl, "blSPL"));
  ARCA_ASSIGN_OR_RETURN(out.tcb.tee, ReadSpl(cert, kOidTeeSpl, "teeSPL"));
  ARCA_ASSIGN_OR_RETURN(out.tcb.snp, ReadSpl(cert, kOidSnpSpl, "snpSPL"));
  ARCA_ASSIGN_OR_RETURN(out.tcb.microcode, ReadSpl(cert, kOidUcodeSpl, "ucodeSPL"));
  if (cert.Extension(kOidFmcSpl).ok()) {
    ARCA_ASSIGN_OR_RETURN(out.tcb.fmc, ReadSpl(cert, kOidFmcSpl, "fmcSPL"));
  }
  Result<Bytes> hwid = cert.Extension(kOidHwId);
  if (hwid.ok()) {
    // 64 bytes (Turin: 8) as the raw extension value, or wrapped in a DER OCTET STRING.
    const size_t size = hwid->size();
    if (size == 64 || size == 8) {
      out.hwid = std::move(*hwid);
    } else if (std::optional<Bytes> inner = DerString(*hwid, V_ASN1_OCTET_STRING);
               inner && (inner->size() == 64 || inner->size() == 8)) {
      out.hwid = std::move(*inner);
    } else {
      return InvalidArgumentError("certificate '" + cert.CommonName() +
                                  "': extension hwID is neither 64 nor 8 bytes");
    }
  }
  return out;
}

ByteView SevSnpHardwareId(const std::array<uint8_t, 64>& chip_id, SevSnpProduct product) {
  return ByteView(chip_id).first(product == SevSnpProduct::kTurin ? 8 : 64);
}

std::string SevSnpCachePath(const SevSnpReport& report, SevSnpProduct product) {
  const std::string tcb = ToHex(report.reported_tcb);
  if (report.signing_key == SevSnpSigningKey::kVlek) {
    return "vlek/" + std::string(SevSnpProductName(product)) + "/" + tcb + ".der";
  }
  return "vcek/" + std::string(SevSnpProductName(product)) + "/" +
         ToHex(SevSnpHardwareId(report.chip_id, product)) + "/" + tcb + ".der";
}

std::string SevSnpKdsVcekUrl(const SevSnpReport& report, SevSnpProduct product) {
  const SevSnpTcb tcb = DecodeSevSnpTcb(report.reported_tcb, product);
  const std::string fmc = tcb.fmc ? "fmcSPL=" + std::to_string(*tcb.fmc) + "&" : "";
  return "https://kdsintf.amd.com/vcek/v1/" + std::string(SevSnpProductName(product)) + "/" +
         ToHex(SevSnpHardwareId(report.chip_id, product)) + "?" + fmc +
         "blSPL=" + std::to_string(tcb.bootloader) + "&teeSPL=" + std::to_string(tcb.tee) +
         "&snpSPL=" + std::to_string(tcb.snp) + "&ucodeSPL=" + std::to_string(tcb.microcode);
}

}  // namespace arca::tee
