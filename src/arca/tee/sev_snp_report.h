// AMD SEV-SNP formats: the attestation report, its TCB versions, the VCEK/VLEK certificates
// that sign it, and where those certificates are found (the verifier's cache and AMD KDS).
//
// Sources: AMD "SEV Secure Nested Paging Firmware ABI Specification" (publication 56860),
// tables "ATTESTATION_REPORT Structure", "TCB_VERSION Structure" and "Signature Format for
// ECDSA P-384 with SHA-384"; AMD "Versioned Chip Endorsement Key (VCEK) Certificate and KDS
// Interface Specification" (publication 57230) for the certificate extensions and KDS URLs.
#ifndef ARCA_TEE_SEV_SNP_REPORT_H_
#define ARCA_TEE_SEV_SNP_REPORT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/x509.h"

namespace arca::tee {

inline constexpr size_t kSevSnpReportSize = 0x4A0;  // 1184 bytes
// The signature covers bytes [0, kSevSnpSignedSize); the signature itself starts there.
inline constexpr size_t kSevSnpSignedSize = 0x2A0;

// The product line, which decides the TCB layout, the ARK and the KDS path.
enum class SevSnpProduct { kMilan, kGenoa, kTurin };

// "Milan", "Genoa", "Turin": the KDS path component and the ARK's "ARK-<name>".
std::string_view SevSnpProductName(SevSnpProduct product);
// From the CPUID Fn0000_0001_EAX family and model (report version 3 and later); nullopt for a
// processor this code does not know.
std::optional<SevSnpProduct> SevSnpProductFromCpuid(uint8_t family, uint8_t model);
// From a certificate's productName: "Milan-B0" (VCEK: line and stepping) or "Milan" (VLEK).
std::optional<SevSnpProduct> SevSnpProductFromName(std::string_view product_name);

// A TCB_VERSION: 8 bytes whose meaning depends on the product line.
using SevSnpTcbVersion = std::array<uint8_t, 8>;

// The security patch levels (SPLs) of a TCB_VERSION.
struct SevSnpTcb {
  std::optional<uint8_t> fmc;  // Turin and later
  uint8_t bootloader = 0;
  uint8_t tee = 0;
  uint8_t snp = 0;
  uint8_t microcode = 0;

  friend bool operator==(const SevSnpTcb&, const SevSnpTcb&) = default;
};

// Milan and Genoa: [bootloader, tee, 0, 0, 0, 0, snp, microcode].
// Turin:           [fmc, bootloader, tee, snp, 0, 0, 0, microcode].
SevSnpTcb DecodeSevSnpTcb(const SevSnpTcbVersion& raw, SevSnpProduct product);
// "bl=2 tee=0 snp=5 ucode=68", with "fmc=.. " first where the TCB has one.
std::string FormatSevSnpTcb(const SevSnpTcb& tcb);

// Which key signed the report (bits 4:2 of the word at 0x48).
enum class SevSnpSigningKey : uint8_t { kVcek = 0, kVlek = 1, kNone = 7 };

struct SevSnpCpuid {
  uint8_t family = 0;
  uint8_t model = 0;
  uint8_t stepping = 0;
};

struct SevSnpFirmwareVersion {
  uint8_t build = 0;
  uint8_t minor = 0;
  uint8_t major = 0;
};

// An ATTESTATION_REPORT, version 2 or 3. Byte arrays are as in the report; integers are
// decoded from little-endian.
struct SevSnpReport {
  uint32_t version = 0;
  uint32_t guest_svn = 0;
  uint64_t policy = 0;
  std::array<uint8_t, 16> family_id{};
  std::array<uint8_t, 16> image_id{};
  uint32_t vmpl = 0;
  uint32_t signature_algo = 0;  // 1 = ECDSA P-384 with SHA-384; 0 = not signed
  SevSnpTcbVersion current_tcb{};
  uint64_t platform_info = 0;
  bool author_key_en = false;
  bool mask_chip_key = false;  // the firmware did not sign the report
  SevSnpSigningKey signing_key = SevSnpSigningKey::kVcek;
  std::array<uint8_t, 64> report_data{};
  std::array<uint8_t, 48> measurement{};
  std::array<uint8_t, 32> host_data{};
  std::array<uint8_t, 48> id_key_digest{};
  std::array<uint8_t, 48> author_key_digest{};
  std::array<uint8_t, 32> report_id{};
  std::array<uint8_t, 32> report_id_ma{};
  // The TCB the VCEK is derived from; the one to look the VCEK up by.
  SevSnpTcbVersion reported_tcb{};
  std::optional<SevSnpCpuid> cpuid;  // version 3 and later
  // All zeros when the host masks it (MASK_CHIP_ID) and with a VLEK; Turin fills 8 bytes.
  std::array<uint8_t, 64> chip_id{};
  SevSnpTcbVersion committed_tcb{};
  SevSnpFirmwareVersion current_version;
  SevSnpFirmwareVersion committed_version;
  SevSnpTcbVersion launch_tcb{};
  // The ECDSA signature's r and s, converted to big-endian (the report stores each
  // little-endian, zero-extended to 72 bytes).
  std::array<uint8_t, 48> signature_r{};
  std::array<uint8_t, 48> signature_s{};

  // Policy bit 19: the hypervisor may debug (read and write) the guest's memory.
  bool debug() const { return ((policy >> 19) & 1) != 0; }
};

// Parses exactly kSevSnpReportSize bytes. Refuses (DataLoss) a wrong size, reserved bits or
// bytes that are not zero (including the unsigned tail of the signature field and the
// zero-extension of r and s), and reserved SIGNING_KEY values; refuses (Unimplemented) a
// version other than 2 or 3 and a signature algorithm other than 0 or 1.
Result<SevSnpReport> ParseSevSnpReport(ByteView bytes);

// What a VCEK or VLEK certificate says about the chip and TCB it was issued for (57230,
// "VCEK Certificate Extensions"; Turin adds fmcSPL).
struct SevSnpKeyCertificate {
  std::string product_name;  // productName, 1.3.6.1.4.1.3704.1.2
  SevSnpTcb tcb;             // blSPL .3.1, teeSPL .3.2, snpSPL .3.3, ucodeSPL .3.8, fmcSPL .3.9
  // hwID, 1.3.6.1.4.1.3704.1.4 (VCEK only: 64 bytes, Turin 8): AMD issues the raw bytes as
  // the extension value; a DER OCTET STRING around them is accepted too.
  std::optional<Bytes> hwid;
};

// Reads the extensions above; a missing SPL or productName, or a value that is not a DER
// INTEGER 0..255 / IA5String / hwID of the right size, is an InvalidArgument error.
Result<SevSnpKeyCertificate> ReadSevSnpKeyCertificate(const crypto::Certificate& cert);

// The VCEK's hwID for a chip id: all 64 bytes, or the first 8 on Turin.
ByteView SevSnpHardwareId(const std::array<uint8_t, 64>& chip_id, SevSnpProduct product);

// Where the verifier's cache holds a report's certificate, relative to the cache directory:
//   VCEK: vcek/<Product>/<hwID hex>/<reported_tcb hex>.der
//   VLEK: vlek/<Product>/<reported_tcb hex>.der
// Hex is lower-case; <reported_tcb hex> is the 8 bytes in report order (offset 0x180).
std::string SevSnpCachePath(const SevSnpReport& report, SevSnpProduct product);
// Where AMD KDS serves the report's VCEK (DER), e.g.
// https://kdsintf.amd.com/vcek/v1/Milan/<hwID hex>?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68.
std::string SevSnpKdsVcekUrl(const SevSnpReport& report, SevSnpProduct product);

}  // namespace arca::tee

#endif  // ARCA_TEE_SEV_SNP_REPORT_H_
