#include "arca/crypto/os_random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace arca::crypto {

void OsRandom(std::span<uint8_t> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    const ssize_t n = getrandom(out.data() + filled, out.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fputs("arca: getrandom() failed; refusing to continue without OS randomness\n", stderr);
      std::abort();
    }
    filled += static_cast<size_t>(n);
  }
}

Seed RandomSeed() {
  Seed seed;
  OsRandom(seed);
  return seed;
}

}  // namespace arca::crypto
