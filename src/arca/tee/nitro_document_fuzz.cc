// libFuzzer target for the Nitro attestation document parser: the first code that reads a
// document an untrusted node sends.
//
// Beyond "no crash, no sanitizer report, no huge allocation", every document that parses must
// hold the limits the parser promises (nitro_document.h), and its Sig_structure must encode.
//
// A campaign, seeded with the real documents, from the repository root:
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
//       -DCMAKE_CXX_COMPILER=clang++ -DARCA_FUZZ=ON
//   cmake --build build-fuzz --target arca_tee_nitro_document_fuzz
//   mkdir -p build-fuzz/corpus/arca_tee_nitro_document_fuzz build-fuzz/artifacts
//   cp testdata/attestation/nitro/evervault/attestation-doc-* \
//       build-fuzz/corpus/arca_tee_nitro_document_fuzz/
//   build-fuzz/bin/arca_tee_nitro_document_fuzz build-fuzz/corpus/arca_tee_nitro_document_fuzz \
//       -artifact_prefix=build-fuzz/artifacts/ -max_len=32768 -max_total_time=3600
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "arca/tee/nitro_document.h"

namespace arca::tee {
namespace {

// A broken property is a bug; abort so that libFuzzer saves the input.
void Require(bool holds, const char* property) {
  if (!holds) {
    std::fputs("nitro_document_fuzz: property violated: ", stderr);
    std::fputs(property, stderr);
    std::fputs("\n", stderr);
    std::abort();
  }
}

void CheckLimits(const NitroDocument& doc) {
  Require(doc.protected_header == Bytes{0xa1, 0x01, 0x38, 0x22}, "the algorithm is ES384");
  Require(doc.signature.size() == 96, "the signature is 48 + 48 bytes");
  Require(!doc.payload.empty() && doc.payload.size() <= 16384, "the payload is 1..16384 bytes");
  Require(!doc.module_id.empty() && doc.timestamp_ms > 0, "module_id and timestamp are set");
  Require(!doc.pcrs.empty() && doc.pcrs.size() <= 32, "there are 1..32 PCRs");
  for (const auto& [index, value] : doc.pcrs) {
    Require(index < 32, "a PCR index is 0..31");
    Require(value.size() == 32 || value.size() == 48 || value.size() == 64,
            "a PCR has 32, 48 or 64 bytes");
  }
  Require(!doc.certificate.empty() && doc.certificate.size() <= 1024,
          "the certificate is 1..1024 bytes");
  Require(!doc.cabundle.empty(), "the cabundle holds at least one certificate");
  Require(std::all_of(doc.cabundle.begin(), doc.cabundle.end(),
                      [](const Bytes& der) { return !der.empty() && der.size() <= 1024; }),
          "each cabundle certificate is 1..1024 bytes");
  Require(!doc.public_key || (!doc.public_key->empty() && doc.public_key->size() <= 1024),
          "public_key is 1..1024 bytes");
  Require(!doc.user_data || doc.user_data->size() <= 512, "user_data is at most 512 bytes");
  Require(!doc.nonce || doc.nonce->size() <= 512, "nonce is at most 512 bytes");
}

void CheckToBeSigned(const NitroDocument& doc) {
  const Result<Bytes> tbs = NitroToBeSigned(doc);
  Require(tbs.ok(), "the Sig_structure of a parsed document encodes");
  // 0x84, then the text "Signature1", then the protected header; the payload comes last.
  static constexpr uint8_t kPrefix[] = {0x84, 0x6a, 'S', 'i', 'g', 'n',
                                        'a',  't',  'u', 'r', 'e', '1'};
  Require(tbs->size() > sizeof(kPrefix) + doc.protected_header.size() + doc.payload.size() &&
              std::equal(std::begin(kPrefix), std::end(kPrefix), tbs->begin()) &&
              std::equal(doc.payload.rbegin(), doc.payload.rend(), tbs->rbegin()),
          "the Sig_structure starts with \"Signature1\" and ends with the payload");
}

}  // namespace
}  // namespace arca::tee

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const arca::Result<arca::tee::NitroDocument> doc =
      arca::tee::ParseNitroDocument(std::span<const uint8_t>(data, size));
  if (!doc.ok()) {
    arca::tee::Require(doc.status().code() == arca::StatusCode::kDataLoss,
                       "a refused document is a data-loss error");
    return 0;
  }
  arca::tee::CheckLimits(*doc);
  arca::tee::CheckToBeSigned(*doc);
  return 0;
}
