#include "bench/report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace arca::bench {
namespace {

using nlohmann::json;

constexpr std::string_view kMarker = "{\"arca_bench\"";

json CostToJson(const mpc::PartyCost& c) {
  return json{{"rounds", c.rounds},
              {"online_bytes", c.online_bytes},
              {"preprocessing_bytes", c.preprocessing_bytes}};
}

mpc::PartyCost CostFromJson(const json& j) {
  return mpc::PartyCost{j.at("rounds").get<int64_t>(), j.at("online_bytes").get<int64_t>(),
                        j.at("preprocessing_bytes").get<int64_t>()};
}

// Field types are checked before reading, so that no accessor can throw.
bool IsInt(const json& j, const char* name) {
  return j.contains(name) && j[name].is_number_integer();
}

bool IsCost(const json& c) {
  return c.is_object() && IsInt(c, "rounds") && IsInt(c, "online_bytes") &&
         IsInt(c, "preprocessing_bytes");
}

Result<std::vector<int64_t>> IntArray(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_array()) {
    return DataLossError(fmt::format("report: {} is missing", name));
  }
  std::vector<int64_t> values;
  values.reserve(j[name].size());
  for (const json& v : j[name]) {
    if (!v.is_number_integer())
      return DataLossError(fmt::format("report: {} holds a non-integer", name));
    values.push_back(v.get<int64_t>());
  }
  return values;
}

}  // namespace

std::string ToJsonLine(const PartyReport& report) {
  json measured = json::array();
  for (const mpc::PartyCost& c : report.measured) measured.push_back(CostToJson(c));
  json j = {{"arca_bench", 1},
            {"party", report.party},
            {"start_ns", report.start_ns},
            {"end_ns", report.end_ns},
            {"cpu_ns", report.cpu_ns},
            {"measured", measured},
            {"peak_rss_bytes", report.peak_rss_bytes}};
  if (report.declared) j["declared"] = CostToJson(*report.declared);
  if (!report.phase_peaks.empty()) {
    json peaks = json::array();
    for (const PhasePeak& peak : report.phase_peaks) {
      peaks.push_back(json{{"phase", peak.phase}, {"peak_rss_bytes", peak.peak_rss_bytes}});
    }
    j["phase_peaks"] = std::move(peaks);
  }
  if (!report.error.empty()) j["error"] = report.error;
  // Replacement of invalid UTF-8 keeps an odd error message from making the line unparsable.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<PartyReport> ParseReport(std::string_view output) {
  const size_t at = output.rfind(kMarker);
  if (at == std::string_view::npos) {
    return DataLossError("the measuring process printed no report line");
  }
  std::string_view line = output.substr(at);
  line = line.substr(0, line.find('\n'));
  // Parsing without exceptions: a malformed line is a discarded value.
  const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !IsInt(j, "party") || !IsInt(j, "peak_rss_bytes") ||
      !j.contains("measured") || !j["measured"].is_array()) {
    return DataLossError("the measuring process's report line is malformed");
  }
  PartyReport report;
  report.party = j["party"].get<int>();
  report.peak_rss_bytes = j["peak_rss_bytes"].get<int64_t>();
  if (j.contains("error") && j["error"].is_string()) report.error = j["error"].get<std::string>();
  ARCA_ASSIGN_OR_RETURN(report.start_ns, IntArray(j, "start_ns"));
  ARCA_ASSIGN_OR_RETURN(report.end_ns, IntArray(j, "end_ns"));
  ARCA_ASSIGN_OR_RETURN(report.cpu_ns, IntArray(j, "cpu_ns"));
  for (const json& c : j["measured"]) {
    if (!IsCost(c)) return DataLossError("report: a measured cost is malformed");
    report.measured.push_back(CostFromJson(c));
  }
  if (j.contains("declared")) {
    if (!IsCost(j["declared"])) return DataLossError("report: the declared cost is malformed");
    report.declared = CostFromJson(j["declared"]);
  }
  if (j.contains("phase_peaks")) {
    if (!j["phase_peaks"].is_array()) return DataLossError("report: phase_peaks is malformed");
    for (const json& peak : j["phase_peaks"]) {
      if (!peak.is_object() || !peak.contains("phase") || !peak["phase"].is_string() ||
          !IsInt(peak, "peak_rss_bytes")) {
        return DataLossError("report: a phase peak is malformed");
      }
      report.phase_peaks.push_back(
          PhasePeak{peak["phase"].get<std::string>(), peak["peak_rss_bytes"].get<int64_t>()});
    }
  }
  if (report.start_ns.size() != report.end_ns.size() ||
      report.cpu_ns.size() != report.end_ns.size()) {
    return DataLossError("report: start_ns, end_ns and cpu_ns differ in length");
  }
  return report;
}

}  // namespace arca::bench
