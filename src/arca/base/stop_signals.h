// How a server waits for SIGINT or SIGTERM: block them in every thread (call before starting
// any), then wait for one on the main thread and stop cleanly.
#ifndef ARCA_BASE_STOP_SIGNALS_H_
#define ARCA_BASE_STOP_SIGNALS_H_

#include <csignal>

namespace arca {

class StopSignals {
 public:
  // Blocks SIGINT and SIGTERM in this thread and every thread it starts later.
  StopSignals();
  // Returns once one of them arrives.
  void Wait() const;

 private:
  sigset_t set_;
};

}  // namespace arca

#endif  // ARCA_BASE_STOP_SIGNALS_H_
