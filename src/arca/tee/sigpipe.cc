#include "arca/tee/sigpipe.h"

#include <pthread.h>

#include <ctime>

namespace arca::tee {

ScopedSigpipeBlock::ScopedSigpipeBlock() {
  sigemptyset(&pipe_);
  sigaddset(&pipe_, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
}

ScopedSigpipeBlock::~ScopedSigpipeBlock() {
  const timespec zero{};
  while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace arca::tee
