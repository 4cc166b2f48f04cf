// Intel PCS collateral: TCB info (v3, for SGX and TDX) and QE identity (v2) documents, their
// signatures, and Intel's TCB status evaluation for one quote.
//
// Both documents are JSON objects {"tcbInfo"|"enclaveIdentity": {...}, "signature": "<hex>"}
// whose signature is ECDSA P-256 (r || s, hex) over the exact bytes of the inner value as
// served. The value's bytes are located in the raw text and verified there; the fields used
// afterwards are parsed from those same bytes, so nothing unsigned is ever read.
//
// TCB level matching follows Intel's Quote Verification Library (QVL): the first TCB level
// (levels are listed from newest to oldest) whose SGX component SVNs and PCESVN are all <= the
// PCK certificate's, and for TDX whose TDX component SVNs are <= the TD's TEE_TCB_SVN (from
// index 2 when TEE_TCB_SVN[1], the TDX module major version, is non-zero: the module is then
// judged by its own identity "TDX_<major>" in tdxModuleIdentities). The QE identity gives the
// QE's status by its ISVSVN, and the final status merges the two as QVL does.
#ifndef ARCA_TEE_INTEL_COLLATERAL_H_
#define ARCA_TEE_INTEL_COLLATERAL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"
#include "arca/base/time.h"
#include "arca/crypto/x509.h"
#include "arca/tee/intel_pck.h"
#include "arca/tee/intel_quote.h"

namespace arca::tee::intel {

struct TcbLevel {
  std::array<uint8_t, 16> sgx_components{};
  uint16_t pce_svn = 0;
  std::optional<std::array<uint8_t, 16>> tdx_components;  // TDX TCB info only
  std::string tcb_date;
  std::string status;  // "UpToDate", "OutOfDate", ...
  std::vector<std::string> advisories;
};

// A TDX module identity level, or a QE identity level: keyed by one ISVSVN.
struct IsvSvnLevel {
  uint16_t isv_svn = 0;
  std::string tcb_date;
  std::string status;
  std::vector<std::string> advisories;
};

struct TdxModuleIdentity {
  std::string id;    // "TDX_01", ...; empty for the "tdxModule" entry
  Bytes mr_signer;   // 48 bytes
  Bytes attributes;  // 8 bytes
  Bytes attributes_mask;
  std::vector<IsvSvnLevel> levels;
};

struct TcbInfo {
  std::string id;  // "SGX" or "TDX"
  int version = 0;
  UnixTime issue_date;
  UnixTime next_update;
  std::array<uint8_t, 6> fmspc{};
  std::array<uint8_t, 2> pce_id{};
  int tcb_evaluation_data_number = 0;
  std::optional<TdxModuleIdentity> tdx_module;           // TDX
  std::vector<TdxModuleIdentity> tdx_module_identities;  // TDX, may be empty
  std::vector<TcbLevel> levels;
  std::string signed_text;  // the exact bytes of the "tcbInfo" value
  Bytes signature;          // 64 bytes, r || s
};

struct QeIdentity {
  std::string id;  // "QE" (SGX), "TD_QE" (TDX), ...
  int version = 0;
  UnixTime issue_date;
  UnixTime next_update;
  int tcb_evaluation_data_number = 0;
  std::array<uint8_t, 4> misc_select{};
  std::array<uint8_t, 4> misc_select_mask{};
  std::array<uint8_t, 16> attributes{};
  std::array<uint8_t, 16> attributes_mask{};
  std::array<uint8_t, 32> mr_signer{};
  uint16_t isv_prod_id = 0;
  std::vector<IsvSvnLevel> levels;
  std::string signed_text;  // the exact bytes of the "enclaveIdentity" value
  Bytes signature;
};

// Parse only: no signature or freshness check. Malformed documents are DataLoss errors naming
// the field; an unsupported version is an Unimplemented error.
Result<TcbInfo> ParseTcbInfo(std::string_view text);
Result<QeIdentity> ParseQeIdentity(std::string_view text);

// Checks, in order: the signature with an "Intel SGX TCB Signing" certificate among
// `signer.intermediates` (the PCS issuer-chain header); that certificate's chain to a pinned
// anchor in `signer.anchors` at `signer.at`, CRLs applied; and issueDate <= at <= nextUpdate.
// A bad signature is DataLoss; a signing-certificate problem is the chain error (an expired
// certificate says "expired"), prefixed with the document's name; stale collateral is a
// FailedPrecondition error beginning "collateral is not current".
Status VerifyTcbInfo(const TcbInfo& info, const crypto::ChainInputs& signer);
Status VerifyQeIdentity(const QeIdentity& identity, const crypto::ChainInputs& signer);

// The outcome of TCB evaluation: the final status and the advisories of every matched level.
struct TcbVerdict {
  std::string status;
  std::vector<std::string> advisories;
  std::string tcb_date;         // of the matched platform level
  std::string platform_status;  // before merging with the QE status
  std::string qe_status;
};

// Intel's TCB evaluation of `quote`, whose PCK has extensions `pck`, with verified collateral.
// Refused: TCB info for another TEE, FMSPC or PCE id (InvalidArgument, naming both values); a
// QE identity for another TEE (InvalidArgument); a QE report whose MISCSELECT, ATTRIBUTES
// (under their masks), MRSIGNER or ISVPRODID differ from the QE identity, or a TDX module
// whose MRSIGNERSEAM or SEAM attributes differ from the TCB info (PermissionDenied); no
// matching level (PermissionDenied "no matching TCB level found ..."). Statuses outside
// Intel's list are DataLoss.
Result<TcbVerdict> EvaluateTcb(const Quote& quote, const PckExtensions& pck, const TcbInfo& info,
                               const QeIdentity& qe_identity);

}  // namespace arca::tee::intel

#endif  // ARCA_TEE_INTEL_COLLATERAL_H_
