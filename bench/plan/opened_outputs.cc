#include "bench/plan/opened_outputs.h"

#include <string>

#include "arca/frame/released_table.h"
#include "arca/fxp/fixed_point.h"

namespace arca::bench {
namespace {

using nlohmann::json;

json TableJson(const frame::PlainTable& table) {
  json columns = json::array();
  for (const frame::PlainColumn& column : table.columns) {
    json entry = {{"name", column.spec.name},
                  {"type", std::string(frame::ColumnTypeName(column.spec.type))},
                  {"categories", column.spec.categories},
                  {"values", column.values}};
    entry["present"] = column.present.empty() ? json(nullptr) : json(column.present);
    columns.push_back(std::move(entry));
  }
  json notices = json::array();
  for (const auto& [what, count] : table.notices) notices.push_back(json::array({what, count}));
  return json{{"columns", std::move(columns)}, {"valid", table.valid}, {"notices", notices}};
}

}  // namespace

Result<json> OpenOutputs(mpc::Protocol& p, const std::vector<plan::OutputValue>& outputs) {
  json opened = json::object();
  for (const plan::OutputValue& output : outputs) {
    if (output.table) {
      ARCA_ASSIGN_OR_RETURN(mpc::RingTensor flat, p.Reveal(output.values));
      ARCA_ASSIGN_OR_RETURN(frame::PlainTable table, frame::Unflatten(*output.table, flat));
      opened[output.name] = TableJson(table);
      continue;
    }
    fxp::FixedPoint fp(p, output.frac_bits);
    ARCA_ASSIGN_OR_RETURN(std::vector<double> values, fp.Reveal(output.values));
    opened[output.name] = json{{"labels", output.labels}, {"values", values}};
  }
  return opened;
}

}  // namespace arca::bench
