#include "arca/frame/aggregate.h"

namespace arca::frame {
namespace {

constexpr Aggregation kAll[] = {Aggregation::kCount, Aggregation::kSize, Aggregation::kSum,
                                Aggregation::kMean,  Aggregation::kMin,  Aggregation::kMax,
                                Aggregation::kVar,   Aggregation::kStd,  Aggregation::kNunique};

}  // namespace

std::string_view AggregationName(Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::kCount:
      return "count";
    case Aggregation::kSize:
      return "size";
    case Aggregation::kSum:
      return "sum";
    case Aggregation::kMean:
      return "mean";
    case Aggregation::kMin:
      return "min";
    case Aggregation::kMax:
      return "max";
    case Aggregation::kVar:
      return "var";
    case Aggregation::kStd:
      return "std";
    case Aggregation::kNunique:
      return "nunique";
  }
  return "?";
}

Result<Aggregation> ParseAggregation(std::string_view name) {
  for (const Aggregation aggregation : kAll) {
    if (name == AggregationName(aggregation)) return aggregation;
  }
  return InvalidArgumentError("unknown aggregation '" + std::string(name.substr(0, 40)) +
                              "' (known: count, size, sum, mean, min, max, var, std, nunique)");
}

ColumnType AggregateType(Aggregation how, ColumnType source) {
  switch (how) {
    case Aggregation::kCount:
    case Aggregation::kSize:
    case Aggregation::kNunique:
      return ColumnType::kInteger;
    case Aggregation::kSum:
      return source == ColumnType::kDecimal ? ColumnType::kDecimal : ColumnType::kInteger;
    case Aggregation::kMin:
    case Aggregation::kMax:
      return source == ColumnType::kInteger || source == ColumnType::kBoolean
                 ? source
                 : ColumnType::kDecimal;
    default:
      return ColumnType::kDecimal;
  }
}

Status CheckPerGroup(const Aggregate& a) {
  if (a.how != Aggregation::kNunique) return OkStatus();
  return UnimplementedError("aggregate '" + a.name +
                            "': nunique per group is not supported; count distinct values of a "
                            "whole table (aggregate), or drop duplicates and count per group");
}

}  // namespace arca::frame
