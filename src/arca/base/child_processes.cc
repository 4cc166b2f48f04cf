#include "arca/base/child_processes.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() is declared here
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

namespace arca {
namespace {

using Clock = std::chrono::steady_clock;

struct Child {
  pid_t pid = -1;
  int out_fd = -1;  // read end of the child's stdout; -1 once at end of file
  std::optional<int> wait_status;
  ChildOutcome outcome;
};

std::string ErrnoText(const char* what) {
  return fmt::format("{}: {}", what, std::strerror(errno));
}

// Starts `argv` with stdout going into a new pipe; returns the pid and the pipe's read end.
Status Spawn(const std::vector<std::string>& argv, Child* child) {
  std::array<int, 2> fds{};
  // Close-on-exec, so that no child inherits another child's pipe (which would keep it
  // open after that child exits).
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) return UnavailableError(ErrnoText("pipe2"));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the copy, so the child keeps its stdout.
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> cargs;
  cargs.reserve(args.size() + 1);
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, cargs[0], &actions, nullptr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return UnavailableError(fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
  }
  child->pid = pid;
  child->out_fd = fds[0];
  return OkStatus();
}

// Reads what is available on the open pipes, waiting at most `wait`.
void PumpOutput(std::vector<Child>& children, std::chrono::milliseconds wait) {
  std::vector<pollfd> polls;
  std::vector<Child*> owners;
  for (Child& c : children) {
    if (c.out_fd < 0) continue;
    polls.push_back(pollfd{c.out_fd, POLLIN, 0});
    owners.push_back(&c);
  }
  if (polls.empty()) {
    // Only exits are pending: poll on nothing is a plain sleep.
    ::poll(nullptr, 0, static_cast<int>(wait.count()));
    return;
  }
  if (::poll(polls.data(), polls.size(), static_cast<int>(wait.count())) <= 0) return;
  for (size_t i = 0; i < polls.size(); ++i) {
    if (polls[i].revents == 0) continue;
    std::array<char, 4096> buffer{};
    const ssize_t n = ::read(polls[i].fd, buffer.data(), buffer.size());
    if (n > 0) {
      owners[i]->outcome.output.append(buffer.data(), static_cast<size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      ::close(owners[i]->out_fd);
      owners[i]->out_fd = -1;
    }
  }
}

void ReapExited(std::vector<Child>& children) {
  for (Child& c : children) {
    if (c.wait_status) continue;
    int status = 0;
    if (::waitpid(c.pid, &status, WNOHANG) == c.pid) c.wait_status = status;
  }
}

// Kills and reaps every child still running, then reads what is left in the pipes (a failed
// child's report says why it failed) and closes them.
void KillRest(std::vector<Child>& children) {
  // Signal every child before reaping any, so that none lives on to report its peers' deaths.
  for (Child& c : children) {
    if (c.pid > 0 && !c.wait_status) ::kill(c.pid, SIGKILL);
  }
  for (Child& c : children) {
    if (c.pid > 0 && !c.wait_status) {
      int status = 0;
      while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
      }
      c.wait_status = status;
      c.outcome.killed = true;
    }
  }
  for (Child& c : children) {
    if (c.out_fd < 0) continue;
    // Every writer is gone, so these reads end at end of file instead of blocking.
    std::array<char, 4096> buffer{};
    ssize_t n = 0;
    while ((n = ::read(c.out_fd, buffer.data(), buffer.size())) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) c.outcome.output.append(buffer.data(), static_cast<size_t>(n));
    }
    ::close(c.out_fd);
    c.out_fd = -1;
  }
}

}  // namespace

bool ChildOutcome::succeeded() const {
  return !killed && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

std::string ChildOutcome::Describe() const {
  std::string text;
  if (WIFEXITED(wait_status)) {
    text = fmt::format("exited with status {}", WEXITSTATUS(wait_status));
  } else if (WIFSIGNALED(wait_status)) {
    text = fmt::format("killed by signal {}", WTERMSIG(wait_status));
  } else {
    text = fmt::format("ended with wait status {}", wait_status);
  }
  if (killed) text += " (killed by arca-bench)";
  return text;
}

Result<std::vector<ChildOutcome>> RunChildren(const std::vector<std::vector<std::string>>& argvs,
                                              std::chrono::milliseconds timeout,
                                              std::chrono::milliseconds grace) {
  std::vector<Child> children(argvs.size());
  for (size_t i = 0; i < argvs.size(); ++i) {
    const Status spawned = Spawn(argvs[i], &children[i]);
    if (!spawned.ok()) {
      KillRest(children);
      return spawned;
    }
  }
  const Clock::time_point deadline = Clock::now() + timeout;
  std::optional<Clock::time_point> failure_deadline;
  bool timed_out = false;
  while (true) {
    ReapExited(children);
    bool all_done = true;
    for (Child& c : children) {
      if (!c.wait_status || c.out_fd >= 0) all_done = false;
      const bool failed =
          c.wait_status && !(WIFEXITED(*c.wait_status) && WEXITSTATUS(*c.wait_status) == 0);
      if (failed && !failure_deadline) failure_deadline = Clock::now() + grace;
    }
    if (all_done) break;
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    if (failure_deadline && now >= *failure_deadline) break;
    PumpOutput(children, std::chrono::milliseconds(50));
  }
  KillRest(children);
  std::vector<ChildOutcome> outcomes;
  for (Child& c : children) {
    c.outcome.wait_status = *c.wait_status;
    outcomes.push_back(std::move(c.outcome));
  }
  if (timed_out) {
    return DeadlineExceededError(
        fmt::format("the measuring processes did not finish within {} s; they were killed",
                    std::chrono::duration_cast<std::chrono::seconds>(timeout).count()));
  }
  return outcomes;
}

Result<std::string> SelfExecutable() {
  std::array<char, 4096> path{};
  const ssize_t n = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (n <= 0) return UnavailableError(ErrnoText("cannot read /proc/self/exe"));
  return std::string(path.data(), static_cast<size_t>(n));
}

}  // namespace arca
