// How an opened output reaches Python, whether arca.local opened it in this process
// (native_module.cc) or a consumer combined it from the nodes' result files
// (platform_module.cc): the same dictionaries, which python/arca/convert.py reads.
//
//   a table:            {"columns": [{"name", "type", "categories", "values", "present"}],
//                        "valid": bool array, "notices": [(what, count)]}
//   labelled values:    {"labels": [str], "values": float64 array}
//
// Every column's values are float64 (categories as their index); "present" is None for a
// column without nulls.
#ifndef ARCA_PYTHON_NATIVE_OUTPUT_TO_PYTHON_H_
#define ARCA_PYTHON_NATIVE_OUTPUT_TO_PYTHON_H_

#include <pybind11/pybind11.h>

#include <optional>
#include <string>
#include <vector>

#include "arca/frame/plain_table.h"

namespace arca::python {

// `table` if it is set, else `labels` and `values`. Needs the GIL.
pybind11::dict OutputToPython(const std::optional<frame::PlainTable>& table,
                              const std::vector<std::string>& labels,
                              const std::vector<double>& values);

}  // namespace arca::python

#endif  // ARCA_PYTHON_NATIVE_OUTPUT_TO_PYTHON_H_
