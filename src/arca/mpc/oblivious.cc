#include "arca/mpc/oblivious.h"

#include <valgrind/memcheck.h>

namespace arca::mpc {

void MarkSecret(std::span<const uint64_t> values) {
  if (!values.empty()) VALGRIND_MAKE_MEM_UNDEFINED(values.data(), values.size_bytes());
}

void MarkPublic(std::span<const uint64_t> values) {
  if (!values.empty()) VALGRIND_MAKE_MEM_DEFINED(values.data(), values.size_bytes());
}

void MarkSecret(const RingTensor& t) { MarkSecret(t.values()); }
void MarkPublic(const RingTensor& t) { MarkPublic(t.values()); }

}  // namespace arca::mpc
