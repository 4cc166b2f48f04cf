#include "bench/ops.h"

namespace arca::bench {

const std::vector<Operation>& Operations() {
  // Table order. One line per operation: this is the extension point.
  static const std::vector<Operation>* const kOperations = new std::vector<Operation>{
      MulOperation(),     MatMulOperation(), LessThanOperation(),
      SigmoidOperation(), LrStepOperation(), LrTrainOperation(),
  };
  return *kOperations;
}

const Operation* FindOperation(std::string_view name) {
  for (const Operation& op : Operations()) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

}  // namespace arca::bench
