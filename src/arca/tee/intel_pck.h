// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): which platform the
// certificate is for (FMSPC, PCE id) and at which TCB level it was issued.
//
// The layout is Intel's "SGX PCK Certificate and Certificate Revocation List Profile": a
// SEQUENCE of (OID, value) pairs, the TCB one itself a SEQUENCE of 16 SGX TCB component SVNs
// (.2.1 .. .2.16), the PCESVN (.2.17) and the CPUSVN (.2.18). It is read with OpenSSL's generic
// ASN.1 decoder, pair by pair and by OID, never by fixed offsets.
#ifndef ARCA_TEE_INTEL_PCK_H_
#define ARCA_TEE_INTEL_PCK_H_

#include <array>
#include <cstdint>
#include <optional>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/crypto/x509.h"

namespace arca::tee::intel {

inline constexpr char kSgxExtensionOid[] = "1.2.840.113741.1.13.1";

struct PckExtensions {
  Bytes ppid;                                    // 16 bytes
  std::array<uint8_t, 16> sgx_tcb_components{};  // .2.1 .. .2.16
  uint16_t pce_svn = 0;                          // .2.17
  std::array<uint8_t, 16> cpu_svn{};             // .2.18
  std::array<uint8_t, 2> pce_id{};               // .3
  std::array<uint8_t, 6> fmspc{};                // .4
  int sgx_type = 0;  // .5: 0 Standard, 1 Scalable, 2 Scalable with integrity
};

// Parses the DER content of the SGX extension (the extension's OCTET STRING value). Missing
// or malformed fields are DataLoss errors naming the OID.
Result<PckExtensions> ParsePckExtensions(ByteView der);

// Reads and parses the SGX extension of `pck`.
Result<PckExtensions> ReadPckExtensions(const crypto::Certificate& pck);

}  // namespace arca::tee::intel

#endif  // ARCA_TEE_INTEL_PCK_H_
