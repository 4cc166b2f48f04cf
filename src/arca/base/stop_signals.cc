#include "arca/base/stop_signals.h"

#include <pthread.h>

namespace arca {

StopSignals::StopSignals() : set_() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

void StopSignals::Wait() const {
  int signal = 0;
  sigwait(&set_, &signal);
}

}  // namespace arca
