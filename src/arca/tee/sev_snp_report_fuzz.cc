// libFuzzer target: the SEV-SNP report parser, and the whole verifier on what parses.
//
// Any input must give a value or an error, never a crash or an out-of-bounds read. The
// verifier runs with an empty cache directory and the leaf, if any, from the collateral: none
// is given, so it stops at the lookup; that still exercises the signer, product and path
// logic on every parsed report.
#include <cstddef>
#include <cstdint>

#include "arca/tee/sev_snp_report.h"
#include "arca/tee/verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const arca::ByteView input(data, size);
  const arca::Result<arca::tee::SevSnpReport> report = arca::tee::ParseSevSnpReport(input);
  if (!report.ok()) return 0;
  for (const auto product : {arca::tee::SevSnpProduct::kMilan, arca::tee::SevSnpProduct::kGenoa,
                             arca::tee::SevSnpProduct::kTurin}) {
    static_cast<void>(arca::tee::SevSnpCachePath(*report, product));
    static_cast<void>(arca::tee::SevSnpKdsVcekUrl(*report, product));
    static_cast<void>(
        arca::tee::FormatSevSnpTcb(arca::tee::DecodeSevSnpTcb(report->reported_tcb, product)));
  }
  arca::tee::VerifyInputs in;
  in.evidence = input;
  static_cast<void>(arca::tee::VerifySevSnp(in));
  return 0;
}
