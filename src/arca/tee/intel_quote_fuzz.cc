// libFuzzer target for the Intel quote parser and the PCK SGX extension reader: the first code
// that reads a TDX or SGX quote from an untrusted node.
//
// Beyond "no crash, no sanitizer report", a quote that parses must be self-consistent: the
// signed bytes are a prefix of the input of the size its body type implies, exactly the
// matching body is set, and the QE report bytes parse to the same report.
//
// Seed it with the real quotes, e.g. from the repository root:
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
//       -DCMAKE_CXX_COMPILER=clang++ -DARCA_FUZZ=ON
//   cmake --build build-fuzz --target arca_tee_intel_quote_fuzz
//   mkdir -p build-fuzz/corpus/arca_tee_intel_quote_fuzz
//   cp testdata/attestation/tdx/*/*quote*.dat testdata/attestation/sgx/*/*.dat \
//       build-fuzz/corpus/arca_tee_intel_quote_fuzz/
//   build-fuzz/bin/arca_tee_intel_quote_fuzz build-fuzz/corpus/arca_tee_intel_quote_fuzz \
//       -max_total_time=600
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "arca/tee/intel_pck.h"
#include "arca/tee/intel_quote.h"

namespace arca::tee::intel {
namespace {

// A broken property is a bug; abort so that libFuzzer saves the input.
void Require(bool holds, const char* property) {
  if (!holds) {
    std::fprintf(stderr, "intel_quote_fuzz: property violated: %s\n", property);
    std::abort();
  }
}

size_t BodyBytes(BodyType type) {
  switch (type) {
    case BodyType::kSgxEnclave:
      return kEnclaveReportBytes;
    case BodyType::kTdReport10:
      return kTdReport10Bytes;
    case BodyType::kTdReport15:
      return kTdReport15Bytes;
  }
  return 0;
}

void FuzzQuote(ByteView bytes) {
  const Result<Quote> quote = ParseQuote(bytes);
  if (!quote.ok()) return;
  const Quote& q = *quote;
  const size_t descriptor = q.header.version == 5 ? 6 : 0;
  Require(q.signed_bytes.size() == kHeaderBytes + descriptor + BodyBytes(q.body_type),
          "the signed bytes are header, descriptor and body");
  Require(std::equal(q.signed_bytes.begin(), q.signed_bytes.end(), bytes.begin()),
          "the signed bytes are a prefix of the quote");
  Require(q.enclave.has_value() == (q.body_type == BodyType::kSgxEnclave) &&
              q.td.has_value() != q.enclave.has_value(),
          "exactly the body of the body type is set");
  Require((q.header.tee_type == kTeeTypeTdx) == q.td.has_value(), "the body fits the TEE type");
  if (q.td) {
    Require(q.td->tee_tcb_svn2.has_value() == (q.body_type == BodyType::kTdReport15) &&
                q.td->mr_service_td.has_value() == q.td->tee_tcb_svn2.has_value(),
            "TDX 1.5 fields are set exactly for a TDX 1.5 body");
  }
  const Result<EnclaveReport> qe = ParseEnclaveReport(q.qe_report_bytes);
  Require(
      qe.ok() && qe->report_data == q.qe_report.report_data && qe->isv_svn == q.qe_report.isv_svn,
      "the QE report bytes parse to the QE report");
}

void FuzzPckExtensions(ByteView bytes) {
  const Result<PckExtensions> ext = ParsePckExtensions(bytes);
  if (!ext.ok()) return;
  Require(ext->ppid.size() == 16, "a parsed PPID has 16 bytes");
  Require(ext->sgx_type >= 0 && ext->sgx_type <= 2, "a parsed SGX type is 0, 1 or 2");
}

}  // namespace
}  // namespace arca::tee::intel

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const arca::ByteView bytes(data, size);
  arca::tee::intel::FuzzQuote(bytes);
  arca::tee::intel::FuzzPckExtensions(bytes);
  return 0;
}
