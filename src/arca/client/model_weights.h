// A code owner's model weights, as `arca code upload-model --weights` reads them, and the
// one-column table that carries them to the nodes.
//
//   feature,weight
//   radius,0.84
//   texture,-1.5e-2
//   intercept,-3.2        (optional, and only as the last row)
//
// One row per feature, in the order a plan's `infer` gives the features. The nodes expect a
// model's share file to be one decimal column "weight" holding the weights in that order, the
// intercept last (node/plan_program.cc), uploaded like a dataset named after the model.
#ifndef ARCA_CLIENT_MODEL_WEIGHTS_H_
#define ARCA_CLIENT_MODEL_WEIGHTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "arca/base/status.h"
#include "arca/client/csv_table.h"
#include "arca/client/dataset_schema.h"

namespace arca::client {

struct ModelWeights {
  std::vector<std::string> features;
  // The weights' cells as written (decimal text), the features' in order, then the
  // intercept's if there is one.
  std::vector<std::string> weights;
  bool intercept = false;

  // The schema of the weights' table: one decimal column "weight".
  static DatasetSchema TableSchema();
  // The weights encoded as that table, one row per weight.
  Result<EncodedTable> Table() const;
};

// Parses weights.csv. Lines end with LF or CRLF; cells are not quoted. Errors name the line
// (the caller names the file): "line 3: 'abc' is not a decimal number", "line 4: feature
// 'radius' appears twice (first on line 2)".
Result<ModelWeights> ParseModelWeights(std::string_view text);

}  // namespace arca::client

#endif  // ARCA_CLIENT_MODEL_WEIGHTS_H_
