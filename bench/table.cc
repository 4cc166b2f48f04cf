#include "bench/table.h"

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "bench/operation.h"

namespace arca::bench {
namespace {

// 160000000 -> "160,000,000": exact, so that a byte off the declared cost shows.
std::string Grouped(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

// 12345678 -> "12.3 M".
std::string Si(double v) {
  static constexpr std::array<const char*, 5> kPrefixes = {"", "k", "M", "G", "T"};
  size_t i = 0;
  while (std::fabs(v) >= 1000 && i + 1 < kPrefixes.size()) {
    v /= 1000;
    ++i;
  }
  return fmt::format("{:.3g} {}", v, kPrefixes.at(i));
}

std::string Seconds(const CaseResult* r) {
  return r ? fmt::format("{:.4g}", r->MeanSeconds()) : std::string("n/a");
}

std::string Ratio(const CaseResult* secure, const CaseResult* base) {
  if (!secure || !base || base->MeanSeconds() <= 0) return "n/a";
  return fmt::format("{:.3g}x", secure->MeanSeconds() / base->MeanSeconds());
}

std::string Megabytes(int64_t bytes) {
  return fmt::format("{:.1f}", static_cast<double>(bytes) / 1e6);
}

void AppendTimeTable(const ResultStore& results, std::string& out) {
  out +=
      "| operation | size | protocol | secure s | throughput | plaintext s | float64 s | "
      "secure/plaintext | secure/float64 | CPU s per party | cores busy | plaintext peak RSS "
      "MB |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const CaseKey& key : results.order()) {
    if (!IsSecure(key.engine)) continue;
    const Operation* op = FindOperation(key.op);
    const CaseResult* secure = results.Find(key);
    const CaseResult* plain = results.Find({key.op, key.size, Engine::kPlaintext});
    const CaseResult* f64 = results.Find({key.op, key.size, Engine::kFloat64});
    const double ops = op ? static_cast<double>(op->ops(key.size)) : 0;
    // CPU seconds of each party's process, and their sum over the wall time: near the core
    // count means the parties were contending for the cores rather than waiting on each other.
    std::string cpu;
    double cpu_total = 0;
    for (size_t p = 0; p < secure->parties.size(); ++p) {
      const double s = secure->MeanCpuSeconds(static_cast<int>(p));
      cpu += fmt::format("{}{:.3g}", p == 0 ? "" : " / ", s);
      cpu_total += s;
    }
    out += fmt::format("| {} | {} | {} | {} | {}{}/s | {} | {} | {} | {} | {} | {:.2f} | {} |\n",
                       key.op, key.size, EngineName(key.engine), Seconds(secure),
                       Si(ops / secure->MeanSeconds()), op ? op->unit : "op", Seconds(plain),
                       Seconds(f64), Ratio(secure, plain), Ratio(secure, f64), cpu,
                       cpu_total / secure->MeanSeconds(),
                       plain ? Megabytes(plain->parties[0].peak_rss_bytes) : "n/a");
  }
}

void AppendTrafficTable(const ResultStore& results, std::string& out) {
  out +=
      "| operation | size | protocol | party | online bytes sent | declared | preprocessing "
      "bytes sent | declared | rounds | declared | as declared | peak RSS MB |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const CaseKey& key : results.order()) {
    if (!IsSecure(key.engine)) continue;
    const CaseResult* r = results.Find(key);
    for (size_t p = 0; p < r->parties.size(); ++p) {
      const PartyReport& party = r->parties[p];
      bool uniform = true;
      const mpc::PartyCost m = r->MeanMeasured(static_cast<int>(p), &uniform);
      const std::optional<mpc::PartyCost>& d = party.declared;
      const auto declared = [&](int64_t mpc::PartyCost::*field) {
        return d ? Grouped((*d).*field) : std::string("n/a");
      };
      // "NO" is a bug to report: the protocol sends other than it declares.
      const std::string verdict = !d ? "n/a" : (uniform && m == *d) ? "yes" : "NO";
      out +=
          fmt::format("| {} | {} | {} | P{} | {} | {} | {} | {} | {} | {} | {} | {} |\n", key.op,
                      key.size, EngineName(key.engine), p, Grouped(m.online_bytes),
                      declared(&mpc::PartyCost::online_bytes), Grouped(m.preprocessing_bytes),
                      declared(&mpc::PartyCost::preprocessing_bytes), m.rounds,
                      declared(&mpc::PartyCost::rounds), verdict, Megabytes(party.peak_rss_bytes));
    }
  }
}

}  // namespace

std::string FormatTables(const ResultStore& results) {
  std::string out =
      "\nTime (mean of the timed repetitions; secure = first party start to last "
      "party end)\n\n";
  AppendTimeTable(results, out);
  out +=
      "\nTraffic per party per operation (measured by the network counters) against "
      "Protocol::Cost, and peak memory\n\n";
  AppendTrafficTable(results, out);
  return out;
}

}  // namespace arca::bench
