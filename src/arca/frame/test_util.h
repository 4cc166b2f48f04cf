// Test support for frame operators: random plain tables, and running an operator on a
// protocol's parties (threads) with inputs shared by party 0, revealed as a plain table.
#ifndef ARCA_FRAME_TEST_UTIL_H_
#define ARCA_FRAME_TEST_UTIL_H_

#include <cmath>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "arca/base/status.h"
#include "arca/frame/plain_table.h"
#include "arca/fxp/encoding.h"
#include "arca/mpc/runner.h"
#include "arca/net/network.h"

namespace arca::frame::testing {

inline constexpr mpc::ProtocolKind kEveryProtocol[] = {
    mpc::ProtocolKind::kPlaintext, mpc::ProtocolKind::kDealer2pc, mpc::ProtocolKind::kRep3};

// How to fill one random column: integers uniform in [lo, hi]; decimals uniform in [lo, hi)
// rounded to `frac_bits` (so that sharing is exact); booleans fair; categories uniform over
// `categories`.
struct RandomColumn {
  ColumnSpec spec;
  double lo = 0;
  double hi = 100;
};
inline PlainTable RandomTable(uint64_t seed, int64_t rows, const std::vector<RandomColumn>& columns,
                              int frac_bits = 18) {
  std::mt19937_64 rng(seed);
  PlainTable table;
  table.valid.assign(static_cast<size_t>(rows), true);
  for (const RandomColumn& c : columns) {
    PlainColumn column{c.spec, {}, {}};
    for (int64_t r = 0; r < rows; ++r) {
      double v = 0;
      switch (c.spec.type) {
        case ColumnType::kInteger:
          v = static_cast<double>(std::uniform_int_distribution<int64_t>(
              static_cast<int64_t>(c.lo), static_cast<int64_t>(c.hi))(rng));
          break;
        case ColumnType::kDecimal:
          v = std::ldexp(std::round(std::ldexp(
                             std::uniform_real_distribution<double>(c.lo, c.hi)(rng), frac_bits)),
                         -frac_bits);
          break;
        case ColumnType::kBoolean:
          v = static_cast<double>(rng() & 1);
          break;
        case ColumnType::kCategorical:
          v = static_cast<double>(
              std::uniform_int_distribution<size_t>(0, c.spec.categories.size() - 1)(rng));
          break;
      }
      column.values.push_back(v);
    }
    table.columns.push_back(std::move(column));
  }
  return table;
}

// A frame program: gets the shared inputs, returns the table to reveal.
using FrameProgram =
    std::function<Result<Table>(fxp::FixedPoint& fp, const std::vector<Table>& inputs)>;

struct FrameRun {
  PlainTable result;                     // as party 0 revealed it
  std::vector<net::TrafficStats> costs;  // per party, of the program alone (not the sharing)
};

// Shares `inputs` from party 0, runs `program` at every party of `kind`, reveals its table.
inline Result<FrameRun> RunFrame(mpc::ProtocolKind kind, const std::vector<PlainTable>& inputs,
                                 const FrameProgram& program, int frac_bits = 18) {
  FrameRun run;
  run.costs.resize(static_cast<size_t>(mpc::PartiesOf(kind)));
  std::mutex mu;
  const std::vector<Status> statuses = mpc::RunInProcess(kind, [&](mpc::Protocol& p) -> Status {
    fxp::FixedPoint fp(p, frac_bits);
    std::vector<Table> shared;
    for (const PlainTable& input : inputs) {
      ARCA_ASSIGN_OR_RETURN(Table table,
                            ShareTable(fp, 0, input.Schema(), p.Holds(0) ? &input : nullptr));
      shared.push_back(std::move(table));
    }
    auto stats = [&p] {
      return p.session().has_network() ? p.session().network().stats() : net::TrafficStats{};
    };
    const net::TrafficStats before = stats();
    ARCA_ASSIGN_OR_RETURN(Table out, program(fp, shared));
    const net::TrafficStats cost = stats() - before;
    ARCA_ASSIGN_OR_RETURN(PlainTable plain, RevealTable(fp, out));
    std::lock_guard<std::mutex> lock(mu);
    run.costs[static_cast<size_t>(p.party())] = cost;
    if (p.party() == 0) run.result = std::move(plain);
    return OkStatus();
  });
  for (const Status& status : statuses) ARCA_RETURN_IF_ERROR(status);
  return run;
}

// A boolean column (fixed point 0/1) as ring bits 0/1: one comparison.
inline Result<mpc::Shared> BooleanBits(fxp::FixedPoint& fp, const Column& column) {
  mpc::Protocol& p = fp.protocol();
  const mpc::RingTensor half =
      mpc::RingTensor::FromValues(mpc::Shape{1}, {fxp::Constant(0.5, fp.frac_bits())});
  ARCA_ASSIGN_OR_RETURN(mpc::Shared below, p.LessThanPublic(column.values, half));
  ARCA_ASSIGN_OR_RETURN(below, p.Reshape(std::move(below), column.values.shape()));
  return p.Sub(p.Public(mpc::RingTensor::Filled(column.values.shape(), 1)), below);
}

// `table` with only the rows where boolean column `name` is true valid: for tests that need
// invalid rows.
inline Result<Table> KeepWhere(fxp::FixedPoint& fp, Table table, const std::string& name) {
  ARCA_ASSIGN_OR_RETURN(const Column* column, table.Get(name));
  ARCA_ASSIGN_OR_RETURN(mpc::Shared bits, BooleanBits(fp, *column));
  ARCA_ASSIGN_OR_RETURN(table.valid, Narrow(fp.protocol(), table, bits));
  table.all_valid = false;
  table.valid_first = false;
  return table;
}

// The valid rows of `table`, each as its values in column order (categories as indices),
// for comparisons with a reference that ignore invalid rows.
inline std::vector<std::vector<double>> ValidRows(const PlainTable& table) {
  std::vector<std::vector<double>> rows;
  for (int64_t r = 0; r < table.rows(); ++r) {
    if (!table.valid[static_cast<size_t>(r)]) continue;
    std::vector<double> row;
    for (const PlainColumn& column : table.columns) {
      row.push_back(column.values[static_cast<size_t>(r)]);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace arca::frame::testing

#endif  // ARCA_FRAME_TEST_UTIL_H_
