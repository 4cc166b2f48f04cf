// ThreadPool: spreads local work (tensor kernels, randomness expansion) over the cores.
#ifndef ARCA_BASE_THREAD_POOL_H_
#define ARCA_BASE_THREAD_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace arca {

class ThreadPool {
 public:
  // `parallelism` counts the calling thread: a pool of parallelism p starts p - 1 workers.
  explicit ThreadPool(int parallelism);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The process-wide pool; its parallelism is $ARCA_THREADS, else the number of cores.
  static ThreadPool& Default();

  int parallelism() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(begin, end) on disjoint ranges covering [0, n), each at least `min_chunk` long
  // (except possibly the last), and returns when all calls have returned. The caller works
  // too. Called from inside a pool task, it runs inline: parallelism is never nested.
  void ParallelFor(int64_t n, int64_t min_chunk,
                   const std::function<void(int64_t begin, int64_t end)>& fn);

 private:
  void WorkerLoop();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace arca

#endif  // ARCA_BASE_THREAD_POOL_H_
