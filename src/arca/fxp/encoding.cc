#include "arca/fxp/encoding.h"

#include <fmt/format.h>

#include <cmath>

namespace arca::fxp {

Status CheckFracBits(int frac_bits) {
  if (frac_bits < kMinFracBits || frac_bits > kMaxFracBits) {
    return InvalidArgumentError(fmt::format("fixed point: {} fractional bits is outside {}..{}",
                                            frac_bits, kMinFracBits, kMaxFracBits));
  }
  return OkStatus();
}

Result<uint64_t> EncodeValue(double value, int bits) {
  const double scaled = std::ldexp(value, bits);
  if (!std::isfinite(value) || std::fabs(scaled) >= std::ldexp(1.0, 62)) {
    return OutOfRangeError(
        fmt::format("{} does not fit the fixed-point range (|v| < 2^{} with {} fractional bits)",
                    value, 62 - bits, bits));
  }
  return static_cast<uint64_t>(std::llround(scaled));
}

Result<mpc::RingTensor> Encode(const std::vector<double>& values, const mpc::Shape& shape,
                               int bits) {
  if (static_cast<int64_t>(values.size()) != shape.numel()) {
    return InvalidArgumentError(
        fmt::format("{} values cannot fill shape {}", values.size(), shape.ToString()));
  }
  mpc::RingTensor out(shape);
  for (size_t i = 0; i < values.size(); ++i) {
    Result<uint64_t> v = EncodeValue(values[i], bits);
    if (!v.ok()) return v.status().WithContext(fmt::format("element {}", i));
    out.data()[i] = *v;
  }
  return out;
}

double DecodeValue(uint64_t value, int bits) {
  return std::ldexp(static_cast<double>(static_cast<int64_t>(value)), -bits);
}

std::vector<double> Decode(const mpc::RingTensor& values, int bits) {
  std::vector<double> out(static_cast<size_t>(values.numel()));
  for (int64_t i = 0; i < values.numel(); ++i)
    out[static_cast<size_t>(i)] = DecodeValue(values[i], bits);
  return out;
}

uint64_t Constant(double value, int bits) {
  return static_cast<uint64_t>(std::llround(std::ldexp(value, bits)));
}

}  // namespace arca::fxp
