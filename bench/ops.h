// The benchmarked operations, one function each (see operation.h).
//
// To add an operation: write `Operation FooOperation()` in op_foo.cc, declare it here, and
// list it in Operations() (op_registry.cc).
#ifndef ARCA_BENCH_OPS_H_
#define ARCA_BENCH_OPS_H_

#include "bench/operation.h"

namespace arca::bench {

Operation MulOperation();       // op_mul.cc: 10^7 elementwise products
Operation MatMulOperation();    // op_matmul.cc: 1024x1024 by 1024x1024
Operation LessThanOperation();  // op_less_than.cc: 10^6 comparisons with one public value
Operation SigmoidOperation();   // op_sigmoid.cc: 10^6 fixed-point sigmoids
Operation LrStepOperation();    // op_lr_step.cc: one logistic-regression step on 10^6 x 32
Operation LrTrainOperation();   // op_lr_train.cc: 200 training iterations on 569 x 30

}  // namespace arca::bench

#endif  // ARCA_BENCH_OPS_H_
