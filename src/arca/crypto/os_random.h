// Randomness from the operating system (getrandom(2)), for seeds and keys.
#ifndef ARCA_CRYPTO_OS_RANDOM_H_
#define ARCA_CRYPTO_OS_RANDOM_H_

#include <cstdint>
#include <span>

#include "arca/crypto/prg.h"

namespace arca::crypto {

// Fills `out` from the kernel's CSPRNG. Aborts the process if the kernel cannot provide
// randomness: continuing with predictable seeds would be a silent security failure.
void OsRandom(std::span<uint8_t> out);

Seed RandomSeed();

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_OS_RANDOM_H_
