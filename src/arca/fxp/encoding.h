// Fixed-point encoding: a real v is the ring element round(v · 2^f), two's complement, for f
// fractional bits (18 by default). Products of two encodings carry 2f fractional bits until
// truncated, so a value and every product it takes part in must stay below 2^62 in magnitude:
// with f = 18, |v| < 2^44 and |a·b| < 2^26 (about 6.7e7).
#ifndef ARCA_FXP_ENCODING_H_
#define ARCA_FXP_ENCODING_H_

#include <cstdint>
#include <vector>

#include "arca/base/status.h"
#include "arca/mpc/ring_tensor.h"

namespace arca::fxp {

inline constexpr int kDefaultFracBits = 18;
// Fractional bits a plan may choose: enough for useful precision, few enough that the
// elementary functions' internal products fit the ring.
inline constexpr int kMinFracBits = 8;
inline constexpr int kMaxFracBits = 26;

Status CheckFracBits(int frac_bits);

// round(value · 2^bits); an error if value is not finite or |value| · 2^bits >= 2^62.
Result<uint64_t> EncodeValue(double value, int bits);
Result<mpc::RingTensor> Encode(const std::vector<double>& values, const mpc::Shape& shape,
                               int bits);

double DecodeValue(uint64_t value, int bits);
std::vector<double> Decode(const mpc::RingTensor& values, int bits);

// round(value · 2^bits) for constants known to fit (coefficients, bounds).
uint64_t Constant(double value, int bits);

}  // namespace arca::fxp

#endif  // ARCA_FXP_ENCODING_H_
