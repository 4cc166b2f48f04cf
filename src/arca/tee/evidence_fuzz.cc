// libFuzzer target for what a client reads from a node before trusting it: the evidence
// bundle or raw evidence (ParseEvidence, with platform recognition), the SIMULATED report,
// and a signed attestation statement with its claims. Nothing may crash; a SIMULATED report
// that parses must survive a round trip.
//
// `./scripts/test` runs it for a few seconds; docs/FUZZING.md has the longer command.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "arca/tee/attestation.h"
#include "arca/tee/evidence.h"
#include "arca/tee/sim_tee.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const arca::ByteView bytes(data, size);
  static_cast<void>(arca::tee::ParseEvidence(bytes));
  if (arca::Result<arca::tee::SimReport> report = arca::tee::ParseSimReport(bytes); report.ok()) {
    const arca::Bytes again = arca::tee::SerializeSimReport(*report);
    if (arca::ByteView(again).size() != size || !std::equal(again.begin(), again.end(), data)) {
      std::abort();
    }
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static_cast<void>(arca::tee::Statement::FromJson(text));
  static_cast<void>(arca::tee::SignedStatement::FromJson(text));
  return 0;
}
