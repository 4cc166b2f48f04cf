// The summary printed at the end of an arca-bench run: two Markdown tables, one row per
// operation and secure protocol (time and ratios), then one row per party (traffic against
// the declared cost, and peak memory). docs/PERFORMANCE.md explains how to read them.
#ifndef ARCA_BENCH_TABLE_H_
#define ARCA_BENCH_TABLE_H_

#include <string>

#include "bench/results.h"

namespace arca::bench {

std::string FormatTables(const ResultStore& results);

}  // namespace arca::bench

#endif  // ARCA_BENCH_TABLE_H_
