// The leaves of the comparison tree (see comparison.h): for each public value t and each
// four-bit digit d, XOR shares of [digit_d(c - t) < digit_d(r)] and [digit_d(c - t) ==
// digit_d(r)], packed 64 elements to a word, from this party's share of r's one-hot digit
// tables. Local work only: the tables are indexed by public digits.
#ifndef ARCA_MPC_COMPARISON_LEAVES_H_
#define ARCA_MPC_COMPARISON_LEAVES_H_

#include <cstdint>

#include "arca/mpc/ring_tensor.h"

namespace arca::mpc {

inline constexpr int kDigits = 16;     // four-bit digits of a 64-bit value
inline constexpr int kTableWords = 4;  // one element's tables: 16 digits x 16 bits

struct LeafInputs {
  // Less-than compares the low 63 bits (digit 15 has three bits) and also yields r's top bit;
  // equality compares all 64 bits.
  bool less = true;
  const uint64_t* c = nullptr;       // opened c = x + r, all n elements
  const uint64_t* tables = nullptr;  // table shares of the elements from word w0 on
  int64_t n = 0;
  const RingTensor* values = nullptr;  // the T public values
};

// Overwrites words [w0, w1) of every value's rows: lt/eq[(v * words + w) * kDigits + d], and
// (less-than) r63[w], the XOR share of r's top bit.
void ComputeLeaves(const LeafInputs& in, int64_t w0, int64_t w1, uint64_t* lt, uint64_t* eq,
                   uint64_t* r63);

}  // namespace arca::mpc

#endif  // ARCA_MPC_COMPARISON_LEAVES_H_
