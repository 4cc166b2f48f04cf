// libFuzzer target for the Intel PCS collateral parsers (TCB info v3, QE identity v2): JSON
// that arrives from a cache or a proxy and is read before its signature is checked.
//
// Beyond "no crash, no sanitizer report", a document that parses must have taken its fields
// from bytes of the input: the signed text is a substring of the input and itself a JSON
// object, and the signature is 64 bytes.
//
// Seed it with the real documents, e.g. from the repository root:
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
//       -DCMAKE_CXX_COMPILER=clang++ -DARCA_FUZZ=ON
//   cmake --build build-fuzz --target arca_tee_intel_collateral_fuzz
//   mkdir -p build-fuzz/corpus/arca_tee_intel_collateral_fuzz
//   cp testdata/attestation/tdx/*/*.json build-fuzz/corpus/arca_tee_intel_collateral_fuzz/
//   build-fuzz/bin/arca_tee_intel_collateral_fuzz \
//       build-fuzz/corpus/arca_tee_intel_collateral_fuzz -max_total_time=600
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "arca/tee/intel_collateral.h"

namespace arca::tee::intel {
namespace {

// A broken property is a bug; abort so that libFuzzer saves the input.
void Require(bool holds, const char* property) {
  if (!holds) {
    std::fprintf(stderr, "intel_collateral_fuzz: property violated: %s\n", property);
    std::abort();
  }
}

void CheckSigned(std::string_view input, const std::string& signed_text, const Bytes& signature) {
  Require(signature.size() == 64, "a parsed signature has 64 bytes");
  Require(!signed_text.empty() && signed_text.front() == '{' && signed_text.back() == '}',
          "the signed text is a JSON object");
  Require(input.find(signed_text) != std::string_view::npos,
          "the signed text is taken from the input");
}

void Fuzz(std::string_view text) {
  const Result<TcbInfo> info = ParseTcbInfo(text);
  if (info.ok()) {
    CheckSigned(text, info->signed_text, info->signature);
    Require(!info->levels.empty(), "a parsed TCB info has levels");
    Require((info->id == "TDX") == info->tdx_module.has_value(),
            "exactly a TDX TCB info has a TDX module");
    for (const TcbLevel& level : info->levels) {
      Require(level.tdx_components.has_value() == (info->id == "TDX"),
              "exactly TDX levels have TDX components");
    }
  }
  const Result<QeIdentity> qe = ParseQeIdentity(text);
  if (qe.ok()) CheckSigned(text, qe->signed_text, qe->signature);
}

}  // namespace
}  // namespace arca::tee::intel

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  arca::tee::intel::Fuzz(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
