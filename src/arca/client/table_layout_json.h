// A released table's layout (frame/released_table.h) in a result file's header: the columns'
// names, types, categories and null masks, the rows, the bits and the notices, so that the
// consumer reads the combined elements back as the table the plan released.
//
//   {"rows": 3, "frac_bits": 18, "notices": ["groups suppressed (fewer than 10 rows)"],
//    "columns": [{"name": "site", "type": "categorical", "categories": ["north", "south"],
//                 "nullable": false}, ...]}
#ifndef ARCA_CLIENT_TABLE_LAYOUT_JSON_H_
#define ARCA_CLIENT_TABLE_LAYOUT_JSON_H_

#include <nlohmann/json.hpp>

#include "arca/base/status.h"
#include "arca/frame/released_table.h"

namespace arca::client {

nlohmann::json TableLayoutToJson(const frame::TableLayout& layout);

// Every field is checked (names and categories 1..128 bytes without control characters, known
// types, frac_bits 0..62, at most 1000 columns, 65536 categories each and 100 notices); anything
// else is a DataLoss error naming the field.
Result<frame::TableLayout> TableLayoutFromJson(const nlohmann::json& source);

}  // namespace arca::client

#endif  // ARCA_CLIENT_TABLE_LAYOUT_JSON_H_
