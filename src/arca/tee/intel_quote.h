// Intel DCAP quotes (SGX and TDX) as bytes -> fields, with no cryptography.
//
// Layouts follow Intel's "Intel SGX ECDSA Quote Library API" (quote v3) and "Intel TDX DCAP
// Quoting Library API" (quote v4, and v5 with its body descriptor). All integers are
// little-endian. A quote is
//
//   header (48) | body | u32 signature-data length | signature data
//
// where the body is an SGX enclave report (384 bytes), a TDX 1.0 TD report (584) or, in v5
// only, a TDX 1.5 TD report (648) preceded by u16 body_type and u32 body_size. The signature
// data holds the attestation key's ECDSA signature over header and body, the attestation key,
// and the certification data: the Quoting Enclave's report signed by the PCK, and the PCK
// certificate chain as PEM. Bytes after the signature data are ignored (quote buffers are
// often padded); they are covered by no signature and never read.
//
// The parser only accepts what Arca can verify: attestation key type 2 (ECDSA P-256), Intel's
// QE vendor id, certification data type 6 (v4, v5) wrapping type 5 (PEM PCK chain).
#ifndef ARCA_TEE_INTEL_QUOTE_H_
#define ARCA_TEE_INTEL_QUOTE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "arca/base/bytes.h"
#include "arca/base/status.h"

namespace arca::tee::intel {

inline constexpr uint32_t kTeeTypeSgx = 0x00;
inline constexpr uint32_t kTeeTypeTdx = 0x81;
inline constexpr size_t kHeaderBytes = 48;
inline constexpr size_t kEnclaveReportBytes = 384;
inline constexpr size_t kTdReport10Bytes = 584;
inline constexpr size_t kTdReport15Bytes = 648;

// v5 body_type values; v3 and v4 imply the type from tee_type.
enum class BodyType : uint16_t { kSgxEnclave = 1, kTdReport10 = 2, kTdReport15 = 3 };

struct QuoteHeader {
  uint16_t version = 0;
  uint16_t attestation_key_type = 0;
  uint32_t tee_type = 0;  // v3: reserved, zero
  uint16_t qe_svn = 0;    // v3 only; reserved in v4 and v5
  uint16_t pce_svn = 0;   // v3 only; reserved in v4 and v5
  std::array<uint8_t, 16> qe_vendor_id{};
  std::array<uint8_t, 20> user_data{};
};

// An SGX enclave report body (SGX "REPORTBODY"): the application enclave of an SGX quote, and
// the Quoting Enclave's report inside every quote.
struct EnclaveReport {
  std::array<uint8_t, 16> cpu_svn{};
  std::array<uint8_t, 4> misc_select{};  // raw little-endian bytes, compared bytewise with masks
  std::array<uint8_t, 16> isv_ext_prod_id{};
  std::array<uint8_t, 16> attributes{};  // byte 0 bit 1 is DEBUG
  std::array<uint8_t, 32> mr_enclave{};
  std::array<uint8_t, 32> mr_signer{};
  std::array<uint8_t, 64> config_id{};
  uint16_t isv_prod_id = 0;
  uint16_t isv_svn = 0;
  uint16_t config_svn = 0;
  std::array<uint8_t, 16> isv_family_id{};
  std::array<uint8_t, 64> report_data{};
};

// A TD report body as it appears in a TDX quote (TDX 1.0; TDX 1.5 adds the last two fields).
struct TdReport {
  std::array<uint8_t, 16> tee_tcb_svn{};
  std::array<uint8_t, 48> mr_seam{};
  std::array<uint8_t, 48> mr_signer_seam{};
  std::array<uint8_t, 8> seam_attributes{};
  std::array<uint8_t, 8> td_attributes{};  // byte 0 bit 0 is TUD.DEBUG
  std::array<uint8_t, 8> xfam{};
  std::array<uint8_t, 48> mr_td{};
  std::array<uint8_t, 48> mr_config_id{};
  std::array<uint8_t, 48> mr_owner{};
  std::array<uint8_t, 48> mr_owner_config{};
  std::array<std::array<uint8_t, 48>, 4> rtmr{};
  std::array<uint8_t, 64> report_data{};
  std::optional<std::array<uint8_t, 16>> tee_tcb_svn2;   // TDX 1.5
  std::optional<std::array<uint8_t, 48>> mr_service_td;  // TDX 1.5
};

struct Quote {
  QuoteHeader header;
  BodyType body_type = BodyType::kSgxEnclave;
  // Exactly one is set, as body_type says.
  std::optional<EnclaveReport> enclave;
  std::optional<TdReport> td;
  // What the attestation key signed: the header and the body (v5: with the body descriptor).
  Bytes signed_bytes;
  std::array<uint8_t, 64> signature{};        // ECDSA P-256 r || s, big-endian
  std::array<uint8_t, 64> attestation_key{};  // P-256 point x || y, big-endian
  // The Quoting Enclave's report, raw (what the PCK signed) and parsed.
  Bytes qe_report_bytes;
  EnclaveReport qe_report;
  std::array<uint8_t, 64> qe_report_signature{};
  Bytes qe_auth_data;
  // The PCK certificate chain (leaf, PCK CA, root) as PEM text, trailing NULs removed.
  std::string pck_chain_pem;
};

// Intel's QE vendor id, 939a7233-f79c-4ca9-940a-0db3957f0607.
const std::array<uint8_t, 16>& IntelQeVendorId();

// Parses a raw quote. Truncated or inconsistent input, an unknown version, TEE type, body
// type, attestation key type or certification data type is a DataLoss / Unimplemented error
// naming the field.
Result<Quote> ParseQuote(ByteView raw);

// Parses a 384-byte enclave report body.
Result<EnclaveReport> ParseEnclaveReport(ByteView b);

}  // namespace arca::tee::intel

#endif  // ARCA_TEE_INTEL_QUOTE_H_
