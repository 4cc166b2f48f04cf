// Keeping SIGPIPE from killing the process while OpenSSL writes to a socket.
//
// Writing to a socket whose peer has gone raises SIGPIPE, which would kill the process;
// OpenSSL writes with write(2), which cannot be told MSG_NOSIGNAL, and any TLS call may write
// (records, alerts). So SIGPIPE is blocked in the calling thread for the life of a
// ScopedSigpipeBlock, and a SIGPIPE raised meanwhile is consumed when it ends, leaving the
// error (EPIPE) to be reported as a status.
#ifndef ARCA_TEE_SIGPIPE_H_
#define ARCA_TEE_SIGPIPE_H_

#include <csignal>

namespace arca::tee {

class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock();
  ~ScopedSigpipeBlock();
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t previous_{};
};

}  // namespace arca::tee

#endif  // ARCA_TEE_SIGPIPE_H_
