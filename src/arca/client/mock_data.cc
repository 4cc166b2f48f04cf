#include "arca/client/mock_data.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

#include "arca/client/csv_table.h"
#include "arca/crypto/prg.h"

namespace arca::client {
namespace {

constexpr double kDefaultWidth = 100;
constexpr double kDecimalScale = 10000;               // 4 decimal places
constexpr double kMaxScaled = 4611686018427387904.0;  // 2^62

// The range of a numeric column: its declared bounds, completed as mock_data.h says.
std::pair<double, double> RangeOf(const Column& column) {
  if (column.min && column.max) return {*column.min, *column.max};
  if (column.min) return {*column.min, *column.min + kDefaultWidth};
  if (column.max) return {*column.max - kDefaultWidth, *column.max};
  return {0, kDefaultWidth};
}

// Uniform in [0, span) without modulo bias: draws below 2^64 mod span are redrawn.
uint64_t Below(crypto::Prg& prg, uint64_t span) {
  const uint64_t threshold = (0 - span) % span;
  while (true) {
    const uint64_t u = prg.NextU64();
    if (u >= threshold) return u % span;
  }
}

// Uniform in [lo, hi]; hi - lo < 2^63.
int64_t Between(crypto::Prg& prg, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(Below(prg, static_cast<uint64_t>(hi - lo) + 1));
}

// k / 10^4 in decimal notation, without trailing zeros: 125000 -> "12.5", -3 -> "-0.0003".
std::string FormatScaled(int64_t k) {
  const uint64_t magnitude = k < 0 ? 0 - static_cast<uint64_t>(k) : static_cast<uint64_t>(k);
  const auto scale = static_cast<uint64_t>(kDecimalScale);
  std::string out = fmt::format("{}{}", k < 0 ? "-" : "", magnitude / scale);
  std::string fraction = fmt::format("{:04}", magnitude % scale);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

// The double that the text FormatScaled(k) reads back as.
double ReadBack(int64_t k) {
  const std::string text = FormatScaled(k);
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// How one column draws its cells.
class CellMaker {
 public:
  static Result<CellMaker> For(const Column& column) {
    CellMaker maker(column);
    if (column.type == ColumnType::kInteger) {
      const auto [lo, hi] = RangeOf(column);
      maker.lo_ = static_cast<int64_t>(lo);
      maker.hi_ = static_cast<int64_t>(hi);
    } else if (column.type == ColumnType::kDecimal) {
      const auto [lo, hi] = RangeOf(column);
      const double lo_scaled = std::ceil(lo * kDecimalScale);
      const double hi_scaled = std::floor(hi * kDecimalScale);
      if (std::fabs(lo_scaled) >= kMaxScaled || std::fabs(hi_scaled) >= kMaxScaled) {
        return InvalidArgumentError(
            fmt::format("mock: column '{}': the range [{}, {}] is too wide for mock values",
                        column.name, lo, hi));
      }
      maker.lo_ = static_cast<int64_t>(lo_scaled);
      maker.hi_ = static_cast<int64_t>(hi_scaled);
      // The products above are rounded: make sure the extremes read back inside the bounds.
      while (maker.lo_ <= maker.hi_ && ReadBack(maker.lo_) < lo) ++maker.lo_;
      while (maker.lo_ <= maker.hi_ && ReadBack(maker.hi_) > hi) --maker.hi_;
      // A range holding no number with 4 decimal places: its lower bound, written exactly.
      if (maker.lo_ > maker.hi_) maker.fixed_ = fmt::format("{}", lo);
    }
    return maker;
  }

  std::string Next(crypto::Prg& prg) const {
    switch (column_->type) {
      case ColumnType::kInteger:
        return fmt::format("{}", Between(prg, lo_, hi_));
      case ColumnType::kDecimal:
        return fixed_.empty() ? FormatScaled(Between(prg, lo_, hi_)) : fixed_;
      case ColumnType::kBoolean:
        return (prg.NextU64() & 1) != 0 ? "true" : "false";
      case ColumnType::kCategorical:
        return column_->categories[Below(prg, column_->categories.size())];
    }
    return "";
  }

 private:
  explicit CellMaker(const Column& column) : column_(&column) {}

  const Column* column_;
  int64_t lo_ = 0, hi_ = 0;  // integers, or decimals scaled by 10^4
  std::string fixed_;
};

}  // namespace

Result<std::string> MockCsv(const DatasetSchema& schema, int64_t rows, uint64_t seed) {
  if (rows < 1) return InvalidArgumentError(fmt::format("mock: {} rows: need at least 1", rows));
  std::vector<CellMaker> makers;
  std::vector<std::string> names;
  for (const Column& column : schema.columns) {
    ARCA_ASSIGN_OR_RETURN(CellMaker maker, CellMaker::For(column));
    makers.push_back(std::move(maker));
    names.push_back(column.name);
  }
  crypto::Seed key{};
  for (size_t i = 0; i < 8; ++i) key[i] = static_cast<uint8_t>(seed >> (8 * i));
  crypto::Prg prg(key, /*stream_id=*/0);

  std::string out = CsvRecord(names) + "\r\n";
  std::vector<std::string> cells(makers.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < makers.size(); ++c) cells[c] = makers[c].Next(prg);
    out += CsvRecord(cells) + "\r\n";
  }
  return out;
}

}  // namespace arca::client
