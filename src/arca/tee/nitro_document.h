// AWS Nitro Enclaves attestation documents: the COSE_Sign1 envelope and its CBOR payload.
//
// Parsing checks structure only, never a signature or a certificate (nitro_verifier.cc does
// that). It follows AWS's "Nitro Enclaves attestation process" (github.com/aws/
// aws-nitro-enclaves-nsm-api, docs/attestation_process.md, sections 2.2, 3.1 and 3.2.2) and
// RFC 9052 (COSE) and refuses, with one line naming the field, any document that breaks them.
#ifndef ARCA_TEE_NITRO_DOCUMENT_H_
#define ARCA_TEE_NITRO_DOCUMENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/base/status.h"

namespace arca::tee {

struct NitroDocument {
  // The COSE_Sign1 parts the signature covers, byte-exact as received: the contents of the
  // protected-header bstr (always the map {1: -35}, ES384) and of the payload bstr.
  Bytes protected_header;
  Bytes payload;
  // ECDSA P-384 signature as big-endian r || s, 48 + 48 bytes (RFC 9053 section 2.1).
  Bytes signature;

  // The payload's fields (AWS section 2.2). The digest field is always "SHA384".
  std::string module_id;           // non-empty
  uint64_t timestamp_ms = 0;       // > 0, milliseconds since the Unix epoch
  std::map<uint32_t, Bytes> pcrs;  // 1..32 entries, index 0..31, 32/48/64 bytes each
  Bytes certificate;               // DER, 1..1024 bytes: the key that signed the document
  std::vector<Bytes> cabundle;     // DER, 1..1024 bytes each, at least one; root first
  // Absent when the field is missing or null (the Nitro hypervisor writes null for unset ones).
  std::optional<Bytes> public_key;  // 1..1024 bytes
  std::optional<Bytes> user_data;   // 0..512 bytes
  std::optional<Bytes> nonce;       // 0..512 bytes
};

// The largest evidence accepted, raw or base64: a payload holds at most 16384 bytes (AWS
// section 3.1), so anything much larger is not a Nitro document.
inline constexpr size_t kMaxNitroEvidenceSize = size_t{32} * 1024;

// Parses a COSE_Sign1 attestation document given as raw CBOR (tagged with 18 or untagged) or
// as base64 text of it. Every error is a DataLoss status naming the field or rule broken.
Result<NitroDocument> ParseNitroDocument(ByteView evidence);

// The CBOR encoding of the COSE Sig_structure the signature is over (RFC 9052 section 4.4):
// ["Signature1", protected header, external_aad h'', payload].
Result<Bytes> NitroToBeSigned(const NitroDocument& doc);

}  // namespace arca::tee

#endif  // ARCA_TEE_NITRO_DOCUMENT_H_
