// Settings read from the environment (ARCA_THREADS, ARCA_NET_TIMEOUT_S, ...).
#ifndef ARCA_BASE_ENV_H_
#define ARCA_BASE_ENV_H_

#include <cstdint>

namespace arca {

// The integer in $name, or `fallback` when it is unset. A value that is not an integer in
// [min, max] is reported once on stderr and replaced by `fallback`.
int64_t EnvInt(const char* name, int64_t fallback, int64_t min, int64_t max);

}  // namespace arca

#endif  // ARCA_BASE_ENV_H_
