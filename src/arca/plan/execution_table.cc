#include "arca/plan/execution_table.h"

#include <fmt/format.h>

#include <utility>

#include "arca/fxp/fixed_point.h"

namespace arca::plan {

Result<frame::Table> LoadColumns(mpc::Protocol& p, InputTable input,
                                 const std::vector<std::string>& columns, int frac_bits) {
  std::vector<frame::Column> loaded;
  for (const std::string& name : columns) {
    const auto it = input.columns.find(name);
    if (it == input.columns.end()) {
      return InvalidArgumentError(
          fmt::format("column '{}' was not supplied with the dataset", name));
    }
    InputColumn& in = it->second;
    if (in.values.shape() != mpc::Shape{input.rows}) {
      return InvalidArgumentError(
          fmt::format("column '{}' has shape {}; the dataset's {} rows need [{}]", name,
                      in.values.shape().ToString(), input.rows, input.rows));
    }
    // Integers and booleans carry no fractional bits, decimals the upload's; categories stay
    // indices.
    frame::Column column{name, in.type, std::move(in.categories), std::move(in.values), {}, false};
    if (in.type != ColumnType::kCategorical) {
      const int from = in.type == ColumnType::kDecimal ? input.frac_bits : 0;
      ARCA_ASSIGN_OR_RETURN(column.values, fxp::Rescale(p, column.values, from, frac_bits));
    }
    loaded.push_back(std::move(column));
  }
  return frame::AllValid(p, input.rows, std::move(loaded));
}

}  // namespace arca::plan
