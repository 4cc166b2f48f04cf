// Data-obliviousness annotations, checked by valgrind memcheck.
//
// Shares and the randomness that masks them are marked undefined, so that memcheck reports any
// branch or memory address that depends on them; values a protocol opens by design (masked
// openings, revealed results) are marked defined again where they are opened. Outside valgrind
// these are a handful of no-op instructions per call, so they are always compiled in and called
// once per buffer, never per element.
#ifndef ARCA_MPC_OBLIVIOUS_H_
#define ARCA_MPC_OBLIVIOUS_H_

#include <cstdint>
#include <span>

#include "arca/mpc/ring_tensor.h"

namespace arca::mpc {

void MarkSecret(std::span<const uint64_t> values);
void MarkPublic(std::span<const uint64_t> values);
void MarkSecret(const RingTensor& t);
void MarkPublic(const RingTensor& t);

}  // namespace arca::mpc

#endif  // ARCA_MPC_OBLIVIOUS_H_
