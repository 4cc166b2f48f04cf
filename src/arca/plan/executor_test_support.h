// Test support for the executor: plaintext datasets shared the way an upload shares them, and
// a plan run at every party of a protocol with its outputs opened. For tests only.
#ifndef ARCA_PLAN_EXECUTOR_TEST_SUPPORT_H_
#define ARCA_PLAN_EXECUTOR_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "arca/base/bytes.h"
#include "arca/fxp/fixed_point.h"
#include "arca/mpc/runner.h"
#include "arca/mpc/upload_shares.h"
#include "arca/net/network.h"
#include "arca/plan/executor.h"
#include "arca/plan/input_encoding.h"

namespace arca::plan::testing {

// A column in the clear: categoricals hold the category's index.
struct ColumnData {
  ColumnType type = ColumnType::kDecimal;
  std::vector<double> values;
  std::vector<std::string> categories;
};

struct DatasetData {
  int frac_bits = fxp::kDefaultFracBits;
  std::map<std::string, ColumnData> columns;

  int64_t rows() const {
    return columns.empty() ? 0 : static_cast<int64_t>(columns.begin()->second.values.size());
  }
  // The value of a decimal as uploaded: rounded to frac_bits.
  double Uploaded(const std::string& column, size_t row) const {
    const ColumnData& c = columns.at(column);
    const double v = c.values.at(row);
    return c.type == ColumnType::kDecimal
               ? std::ldexp(std::round(std::ldexp(v, frac_bits)), -frac_bits)
               : v;
  }
};

using Datasets = std::map<std::string, DatasetData>;

// Every dataset split once for upload; each party imports its own parts.
class SharedDatasets {
 public:
  SharedDatasets(mpc::ProtocolKind kind, const Datasets& data) : kind_(kind), data_(data) {
    for (const auto& [name, dataset] : data) {
      for (const auto& [column, values] : dataset.columns) {
        Result<mpc::RingTensor> encoded = EncodeInput(
            PlainInput{name, column, values.type, values.categories.size(), values.values},
            dataset.frac_bits);
        if (!encoded.ok()) {
          encoding_ = encoded.status();
          return;
        }
        parts_[name][column] = mpc::SplitForUpload(kind, *encoded);
      }
    }
  }

  // Each dataset's tables at `party`, or the error of encoding the data.
  Result<std::map<std::string, InputTable>> For(int party) const {
    ARCA_RETURN_IF_ERROR(encoding_);
    std::map<std::string, InputTable> out;
    for (const auto& [name, dataset] : data_) {
      InputTable& table = out[name];
      table.rows = dataset.rows();
      table.frac_bits = dataset.frac_bits;
      for (const auto& [column, values] : dataset.columns) {
        ARCA_ASSIGN_OR_RETURN(
            mpc::Shared shared,
            mpc::ImportUploaded(kind_, party, mpc::Shape{table.rows},
                                parts_.at(name).at(column).at(static_cast<size_t>(party))));
        table.columns[column] = InputColumn{values.type, values.categories, std::move(shared)};
      }
    }
    return out;
  }

 private:
  mpc::ProtocolKind kind_;
  Datasets data_;
  Status encoding_;
  std::map<std::string, std::map<std::string, std::vector<mpc::Parts>>> parts_;
};

// An output as its recipients would see it.
struct Released {
  std::vector<std::string> labels;
  std::vector<double> values;
  std::optional<double> epsilon;
  std::vector<std::string> recipients;
  std::optional<frame::PlainTable> table;  // a table output, read by its layout
};

struct PlanRun {
  std::vector<Status> statuses;             // each party's
  std::map<std::string, Released> outputs;  // opened, by name
  std::vector<ExecutionResult> results;     // each party's (stored models)
  std::vector<double> progress;             // party 0's reports
  std::vector<uint32_t> operations;         // each party's protocol operations in Execute
  net::TrafficStats traffic;                // party 0's, in Execute

  // The error Execute returned: a party that fails first tells the others, which then report
  // "aborted: party N aborted in ...: <its error>"; this is that original error.
  Status status() const {
    for (const Status& s : statuses) {
      if (s.code() != StatusCode::kAborted) return s;
    }
    return statuses.front();
  }
};

inline Result<ValidatedPlan> LoadPlan(std::string_view json) {
  ARCA_ASSIGN_OR_RETURN(Plan plan, Plan::Parse(json));
  return Validate(std::move(plan));
}

inline std::string ReadExample(const std::string& name) {
  Result<Bytes> bytes = ReadFileBytes(std::string(ARCA_PLAN_TESTDATA) + "/" + name);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? std::string(bytes->begin(), bytes->end()) : std::string();
}

// Runs `plan` at every party of `kind`; `models[party]` are that party's stored models.
inline PlanRun RunPlan(mpc::ProtocolKind kind, const ValidatedPlan& plan, const Datasets& data,
                       const std::map<std::string, AnalysisRules>& rules = {},
                       const std::vector<std::map<std::string, StoredModel>>& models = {}) {
  const SharedDatasets shared(kind, data);
  PlanRun run;
  const int parties = mpc::PartiesOf(kind);
  run.results.resize(static_cast<size_t>(parties));
  run.operations.resize(static_cast<size_t>(parties));
  std::mutex mu;
  run.statuses = mpc::RunInProcess(kind, [&](mpc::Protocol& p) -> Status {
    const auto party = static_cast<size_t>(p.party());
    ExecutionInputs inputs;
    ARCA_ASSIGN_OR_RETURN(inputs.datasets, shared.For(p.party()));
    inputs.rules = rules;
    if (party < models.size()) inputs.models = models[party];
    std::vector<double> progress;
    const uint32_t before = p.session().current_op();
    const net::TrafficStats sent_before =
        p.session().has_network() ? p.session().network().stats() : net::TrafficStats{};
    Result<ExecutionResult> result =
        Execute(plan, p, inputs, [&](double fraction) { progress.push_back(fraction); });
    run.operations[party] = p.session().current_op() - before;
    const net::TrafficStats traffic = p.session().has_network()
                                          ? p.session().network().stats() - sent_before
                                          : net::TrafficStats{};
    if (!result.ok()) return result.status();
    std::map<std::string, Released> opened;
    for (const OutputValue& output : result->outputs) {
      if (output.table) {
        ARCA_ASSIGN_OR_RETURN(mpc::RingTensor flat, p.Reveal(output.values));
        ARCA_ASSIGN_OR_RETURN(frame::PlainTable table, frame::Unflatten(*output.table, flat));
        opened[output.name] = Released{{}, {}, output.epsilon_spent, output.recipients, table};
        continue;
      }
      fxp::FixedPoint fp(p, output.frac_bits);
      ARCA_ASSIGN_OR_RETURN(std::vector<double> values, fp.Reveal(output.values));
      opened[output.name] =
          Released{output.labels, values, output.epsilon_spent, output.recipients, {}};
    }
    std::lock_guard<std::mutex> lock(mu);
    run.results[party] = *std::move(result);
    if (party == 0) {
      run.traffic = traffic;
      run.outputs = std::move(opened);
      run.progress = std::move(progress);
    }
    return OkStatus();
  });
  return run;
}

// Prints what party 0 sent while the plan ran, for docs/PLANS.md's cost figures.
inline void PrintTraffic(const char* plan, mpc::ProtocolKind kind, const PlanRun& run) {
  std::printf("  %-16s %-9s party 0 sent %.1f kB in %lld online rounds\n", plan,
              std::string(mpc::ProtocolKindName(kind)).c_str(),
              static_cast<double>(run.traffic.online_bytes_sent()) / 1e3,
              static_cast<long long>(run.traffic.rounds));
}

// The value labelled `label` in `output`.
inline double ValueOf(const Released& output, const std::string& label) {
  for (size_t i = 0; i < output.labels.size(); ++i) {
    if (output.labels[i] == label) return output.values[i];
  }
  ADD_FAILURE() << "no value labelled " << label;
  return NAN;
}

}  // namespace arca::plan::testing

#endif  // ARCA_PLAN_EXECUTOR_TEST_SUPPORT_H_
