#include "output_to_python.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <utility>

namespace arca::python {
namespace {

namespace py = pybind11;

py::array_t<double> Doubles(const std::vector<double>& values) {
  py::array_t<double> out(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

py::array_t<bool> Bools(const std::vector<bool>& values) {
  py::array_t<bool> out(static_cast<py::ssize_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) out.mutable_data()[i] = values[i];
  return out;
}

}  // namespace

py::dict OutputToPython(const std::optional<frame::PlainTable>& table,
                        const std::vector<std::string>& labels, const std::vector<double>& values) {
  py::dict out;
  if (!table) {
    out["labels"] = labels;
    out["values"] = Doubles(values);
    return out;
  }
  py::list columns;
  for (const frame::PlainColumn& column : table->columns) {
    py::dict c;
    c["name"] = column.spec.name;
    c["type"] = std::string(frame::ColumnTypeName(column.spec.type));
    c["categories"] = column.spec.categories;
    c["values"] = Doubles(column.values);
    c["present"] = column.present.empty() ? py::object(py::none()) : Bools(column.present);
    columns.append(std::move(c));
  }
  out["columns"] = std::move(columns);
  out["valid"] = Bools(table->valid);
  py::list notices;
  for (const auto& [what, count] : table->notices) notices.append(py::make_tuple(what, count));
  out["notices"] = std::move(notices);
  return out;
}

}  // namespace arca::python
