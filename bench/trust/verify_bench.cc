// Evidence verification per platform, on the real samples (testdata/attestation), at an
// instant where each sample is valid:
//   cold — from bytes: the evidence, every certificate and the collateral are parsed, then
//          verified (what a client does for a node it has not seen);
//   warm — certificates and collateral already parsed and kept (a client re-checking nodes).
// Both run the full stage-1 verification (signatures and chain); the policy stage costs
// microseconds and is left out. A Nitro document carries its own intermediates, so only the
// pinned root can be kept parsed: its warm and cold figures are close.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "arca/tee/evidence.h"
#include "bench/trust/sim_node.h"

namespace arca::bench {
namespace {

const std::string kSamples = ARCA_ATTESTATION_SAMPLES;

Bytes Read(const std::string& path) {
  Result<Bytes> bytes = ReadFileBytes(kSamples + "/" + path);
  if (!bytes.ok()) std::abort();
  return *std::move(bytes);
}

std::vector<crypto::Certificate> Parse(const Bytes& bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.find("-----BEGIN") != std::string_view::npos) {
    return *crypto::Certificate::AllFromPem(text);
  }
  return {*crypto::Certificate::FromDer(bytes)};
}

// One platform's sample: raw files, and how to turn them into verifier inputs.
struct Sample {
  std::string evidence;
  std::vector<std::string> anchors;        // PEM/DER files; every certificate in them is pinned
  std::vector<std::string> intermediates;  // PEM/DER files
  std::vector<std::string> crls;
  std::string tcb_info;
  std::string qe_identity;
  const char* at;
};

struct Loaded {
  Bytes evidence;
  std::vector<Bytes> anchors, intermediates, crls;
  std::optional<std::string> tcb_info, qe_identity;
};

Loaded Load(const Sample& sample) {
  Loaded out;
  out.evidence = tee::ParseEvidence(Read(sample.evidence))->report;
  for (const std::string& f : sample.anchors) out.anchors.push_back(Read(f));
  for (const std::string& f : sample.intermediates) out.intermediates.push_back(Read(f));
  for (const std::string& f : sample.crls) out.crls.push_back(Read(f));
  if (!sample.tcb_info.empty()) {
    const Bytes b = Read(sample.tcb_info);
    out.tcb_info = std::string(b.begin(), b.end());
  }
  if (!sample.qe_identity.empty()) {
    const Bytes b = Read(sample.qe_identity);
    out.qe_identity = std::string(b.begin(), b.end());
  }
  return out;
}

tee::VerifyInputs Inputs(const Loaded& loaded, const Sample& sample) {
  tee::VerifyInputs in{loaded.evidence, {}, {}, *ParseTime(sample.at)};
  for (const Bytes& b : loaded.anchors) {
    for (const crypto::Certificate& c : Parse(b)) in.anchors.push_back(c);
  }
  for (const Bytes& b : loaded.intermediates) {
    for (const crypto::Certificate& c : Parse(b)) in.collateral.intermediates.push_back(c);
  }
  for (const Bytes& b : loaded.crls) in.collateral.crls.push_back(*crypto::Crl::Parse(b));
  in.collateral.tcb_info = loaded.tcb_info;
  in.collateral.qe_identity = loaded.qe_identity;
  return in;
}

void Run(benchmark::State& state, tee::Platform platform, const Sample& sample, bool warm) {
  const Loaded loaded = Load(sample);
  const tee::VerifyInputs kept = Inputs(loaded, sample);
  if (Result<tee::Claims> check = tee::VerifyEvidence(platform, kept); !check.ok()) {
    state.SkipWithError(check.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    if (warm) {
      benchmark::DoNotOptimize(tee::VerifyEvidence(platform, kept));
    } else {
      const Bytes evidence = tee::ParseEvidence(Read(sample.evidence))->report;
      tee::VerifyInputs in = Inputs(loaded, sample);
      in.evidence = evidence;
      benchmark::DoNotOptimize(tee::VerifyEvidence(platform, in));
    }
  }
  state.SetLabel(warm ? "warm: parsed certificates kept" : "cold: parse everything");
}

const Sample kSevSnp = {
    "sev-snp/virtee-milan/report_milan.hex",
    {"sev-snp/amd-roots/ask_ark_milan.pem"},
    {"sev-snp/virtee-milan/vcek_milan.der", "sev-snp/virtee-milan/cert_chain_milan.pem"},
    {},
    "",
    "",
    "2026-11-23"};
const Sample kNitro = {"nitro/evervault/attestation-doc-2022-10-13-production.cose",
                       {"nitro/evervault/aws_nitro_enclaves_root_g1.pem"},
                       {},
                       {},
                       "",
                       "",
                       "2022-10-13T09:00:00Z"};

// The debug TD quote: its TCB evaluates to UpToDate with this collateral (the production
// quote's does not match any level), and the debug flag is the policy's business.
const std::string kSpr = "tdx/go-tdx-guest-spr-v4/";
const Sample kTdx = {"tdx/trustee-v4-partial/tdx_quote_4_debug_td.dat",
                     {"tdx/intel-root/intel_sgx_root_ca.pem"},
                     {kSpr + "tcb_info_issuer_chain.pem", kSpr + "qe_identity_issuer_chain.pem"},
                     {kSpr + "pck_platform_crl.der", kSpr + "root_ca_crl.der"},
                     kSpr + "tcbinfo_fmspc_50806f000000.json",
                     kSpr + "qe_identity_td_qe.json",
                     "2023-07-01T01:00:00Z"};

void BM_VerifySevSnp(benchmark::State& state) {
  Run(state, tee::Platform::kSevSnp, kSevSnp, state.range(0) != 0);
}
BENCHMARK(BM_VerifySevSnp)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_VerifyNitro(benchmark::State& state) {
  Run(state, tee::Platform::kNitro, kNitro, state.range(0) != 0);
}
BENCHMARK(BM_VerifyNitro)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_VerifyTdx(benchmark::State& state) {
  Run(state, tee::Platform::kTdx, kTdx, state.range(0) != 0);
}
BENCHMARK(BM_VerifyTdx)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_VerifySim(benchmark::State& state) {
  const SimNode node;
  const Bytes report = *node.tee().Report(Bytes(64, 1), Now());
  const tee::VerifyInputs in{
      report, node.policy().platforms.at(tee::Platform::kSim).anchors, {}, Now()};
  for (auto _ : state) benchmark::DoNotOptimize(tee::VerifySim(in));
  state.SetLabel("SIMULATED: one Ed25519 signature");
}
BENCHMARK(BM_VerifySim)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace arca::bench
