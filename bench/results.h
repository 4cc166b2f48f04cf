// ResultStore: the measured cases of one arca-bench run, for ratios and the final tables.
#ifndef ARCA_BENCH_RESULTS_H_
#define ARCA_BENCH_RESULTS_H_

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "bench/case_runner.h"

namespace arca::bench {

struct CaseKey {
  std::string op;
  int64_t size = 0;
  Engine engine = Engine::kFloat64;

  friend bool operator<(const CaseKey& x, const CaseKey& y) {
    return std::tie(x.op, x.size, x.engine) < std::tie(y.op, y.size, y.engine);
  }
};

class ResultStore {
 public:
  // Records (or replaces, when a case is repeated) the result of `key`.
  void Put(const CaseKey& key, CaseResult result) {
    if (!results_.contains(key)) order_.push_back(key);
    results_[key] = std::move(result);
  }
  const CaseResult* Find(const CaseKey& key) const {
    const auto it = results_.find(key);
    return it == results_.end() ? nullptr : &it->second;
  }
  // Keys in the order they were first measured.
  const std::vector<CaseKey>& order() const { return order_; }

 private:
  std::map<CaseKey, CaseResult> results_;
  std::vector<CaseKey> order_;
};

}  // namespace arca::bench

#endif  // ARCA_BENCH_RESULTS_H_
