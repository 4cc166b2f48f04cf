// arca._native: the C++ engine for arca.local (python/arca/local.py). One call runs a plan on
// pandas data with every party of a protocol as a thread of this process: the data is
// secret-shared exactly as an upload shares it, the plan runs on the shares, and the outputs
// are opened at the end, as their recipients would open them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "arca/fxp/fixed_point.h"
#include "arca/mpc/runner.h"
#include "arca/mpc/upload_shares.h"
#include "arca/plan/executor.h"
#include "arca/plan/input_encoding.h"
#include "arca/plan/validate.h"
#include "output_to_python.h"
#include "platform_module.h"

namespace arca::python {
namespace {

namespace py = pybind11;

// The error Python sees as arca._native.NativeError (arca.local raises it as arca.ArcaError).
class NativeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Column {
  std::string name;
  frame::ColumnType type = frame::ColumnType::kDecimal;
  std::vector<std::string> categories;
  std::vector<double> values;
};
using Dataset = std::vector<Column>;

Dataset ReadDataset(const std::string& dataset, const py::dict& source) {
  Dataset out;
  for (const py::handle item : source["columns"].cast<py::list>()) {
    const auto column = item.cast<py::dict>();
    Column c;
    c.name = column["name"].cast<std::string>();
    Result<frame::ColumnType> type = frame::ParseColumnType(column["type"].cast<std::string>());
    if (!type.ok()) {
      throw NativeError("dataset '" + dataset + "', column '" + c.name +
                        "': " + type.status().message());
    }
    c.type = *type;
    if (column.contains("categories") && !column["categories"].is_none()) {
      c.categories = column["categories"].cast<std::vector<std::string>>();
    }
    const auto values = column["values"].cast<py::array_t<double, py::array::c_style>>();
    c.values.assign(values.data(), values.data() + values.size());
    out.push_back(std::move(c));
  }
  return out;
}

// What one output opened to: a table, or labelled numbers (statistics, a model, predictions).
struct Opened {
  std::optional<frame::PlainTable> table;
  std::vector<std::string> labels;
  std::vector<double> values;
};

Result<mpc::ProtocolKind> ProtocolOf(const std::string& name) {
  // The tee level runs the plaintext protocol inside one attested node.
  if (name == "tee") return mpc::ProtocolKind::kPlaintext;
  return mpc::ParseProtocolKind(name);
}

// Runs the plan; every error is one line naming what was wrong.
Result<std::map<std::string, Opened>> Run(const std::string& plan_json,
                                          const std::map<std::string, Dataset>& datasets,
                                          const std::string& protocol) {
  ARCA_ASSIGN_OR_RETURN(const mpc::ProtocolKind kind, ProtocolOf(protocol));
  ARCA_ASSIGN_OR_RETURN(plan::Plan parsed, plan::Plan::Parse(plan_json));
  const int frac_bits = parsed.fractional_bits;
  plan::Schemas schemas;
  std::map<std::string, std::map<std::string, std::vector<mpc::Parts>>> parts;
  for (const auto& [name, dataset] : datasets) {
    for (const Column& column : dataset) {
      schemas[name][column.name] = column.type;
      ARCA_ASSIGN_OR_RETURN(
          mpc::RingTensor encoded,
          plan::EncodeInput(plan::PlainInput{name, column.name, column.type,
                                             column.categories.size(), column.values},
                            frac_bits));
      parts[name][column.name] = mpc::SplitForUpload(kind, encoded);
    }
  }
  ARCA_ASSIGN_OR_RETURN(const plan::ValidatedPlan validated,
                        plan::Validate(std::move(parsed), schemas));

  std::map<std::string, Opened> opened;
  std::mutex mu;
  const std::vector<Status> statuses = mpc::RunInProcess(kind, [&](mpc::Protocol& p) -> Status {
    plan::ExecutionInputs inputs;
    for (const auto& [name, dataset] : datasets) {
      plan::InputTable& table = inputs.datasets[name];
      table.rows = dataset.empty() ? 0 : static_cast<int64_t>(dataset.front().values.size());
      table.frac_bits = frac_bits;
      for (const Column& column : dataset) {
        ARCA_ASSIGN_OR_RETURN(
            mpc::Shared shared,
            mpc::ImportUploaded(kind, p.party(), mpc::Shape{table.rows},
                                parts.at(name).at(column.name).at(static_cast<size_t>(p.party()))));
        table.columns[column.name] =
            plan::InputColumn{column.type, column.categories, std::move(shared)};
      }
    }
    ARCA_ASSIGN_OR_RETURN(plan::ExecutionResult result,
                          plan::Execute(validated, p, std::move(inputs)));
    std::map<std::string, Opened> mine;
    for (const plan::OutputValue& output : result.outputs) {
      Opened& out = mine[output.name];
      if (output.table) {
        ARCA_ASSIGN_OR_RETURN(mpc::RingTensor flat, p.Reveal(output.values));
        ARCA_ASSIGN_OR_RETURN(out.table, frame::Unflatten(*output.table, flat));
      } else {
        fxp::FixedPoint fp(p, output.frac_bits);
        ARCA_ASSIGN_OR_RETURN(out.values, fp.Reveal(output.values));
        out.labels = output.labels;
      }
    }
    if (p.party() == 0) {
      std::lock_guard<std::mutex> lock(mu);
      opened = std::move(mine);
    }
    return OkStatus();
  });
  // A party that fails first tells the others, which report "aborted: ..."; the original
  // error is the one to show.
  for (const Status& status : statuses) {
    if (!status.ok() && status.code() != StatusCode::kAborted) return status;
  }
  for (const Status& status : statuses) ARCA_RETURN_IF_ERROR(status);
  return opened;
}

py::dict RunPlan(const std::string& plan_json, const py::dict& datasets,
                 const std::string& protocol) {
  std::map<std::string, Dataset> read;
  for (const auto& [name, dataset] : datasets) {
    read[name.cast<std::string>()] =
        ReadDataset(name.cast<std::string>(), dataset.cast<py::dict>());
  }
  Result<std::map<std::string, Opened>> result = [&] {
    py::gil_scoped_release release;
    return Run(plan_json, read, protocol);
  }();
  if (!result.ok()) throw NativeError(result.status().message());
  py::dict out;
  for (const auto& [name, opened] : *result) {
    out[py::str(name)] = OutputToPython(opened.table, opened.labels, opened.values);
  }
  return out;
}

}  // namespace
}  // namespace arca::python

PYBIND11_MODULE(_native, module) {
  namespace py = pybind11;
  module.doc() = "Arca's C++ engine for arca.local: plans run on secret shares in this process.";
  py::register_exception<arca::python::NativeError>(module, "NativeError");
  module.def("run_plan", &arca::python::RunPlan, py::arg("plan_json"), py::arg("datasets"),
             py::arg("protocol"),
             "Runs a plan document on datasets ({name: {\"columns\": [...]}}) with every party of "
             "`protocol` (plaintext, tee, dealer2pc or rep3) as a thread; returns each output "
             "opened.");
  arca::python::AddPlatformBindings(module);
}
