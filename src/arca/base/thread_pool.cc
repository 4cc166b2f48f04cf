#include "arca/base/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include "arca/base/env.h"

namespace arca {
namespace {

// Set while this thread runs a pool task, so that nested ParallelFor calls run inline.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
thread_local bool in_pool_task = false;

// Chunks handed out by one ParallelFor call; shared with helper tasks that may start late.
struct ChunkQueue {
  int64_t n = 0;
  int64_t chunk = 0;
  int64_t chunks = 0;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
  std::mutex mu;
  std::condition_variable all_done;

  // Runs chunks until none are left.
  void Drain(const std::function<void(int64_t, int64_t)>& fn) {
    for (int64_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) {
      const int64_t begin = c * chunk;
      fn(begin, std::min(n, begin + chunk));
      if (done.fetch_add(1) + 1 == chunks) {
        std::lock_guard<std::mutex> lock(mu);
        all_done.notify_all();
      }
    }
  }
};

}  // namespace

ThreadPool::ThreadPool(int parallelism) {
  for (int i = 1; i < parallelism; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

ThreadPool& ThreadPool::Default() {
  // Never destroyed (Google style for function-local statics), so that no worker thread can
  // outlive the pool during static destruction.
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
  static ThreadPool* const pool = [] {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return new ThreadPool(static_cast<int>(EnvInt("ARCA_THREADS", cores, 1, 1024)));
  }();
  return *pool;
}

void ThreadPool::WorkerLoop() {
  in_pool_task = true;
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void ThreadPool::ParallelFor(int64_t n, int64_t min_chunk,
                             const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  min_chunk = std::max<int64_t>(1, min_chunk);
  // A few chunks per thread balances uneven progress (parties share the cores in tests).
  const int64_t max_chunks = static_cast<int64_t>(parallelism()) * 4;
  const int64_t chunks = std::min(max_chunks, (n + min_chunk - 1) / min_chunk);
  if (chunks <= 1 || workers_.empty() || in_pool_task) {
    fn(0, n);
    return;
  }
  auto queue = std::make_shared<ChunkQueue>();
  queue->n = n;
  queue->chunk = (n + chunks - 1) / chunks;
  queue->chunks = (n + queue->chunk - 1) / queue->chunk;
  const int64_t helpers =
      std::min<int64_t>(static_cast<int64_t>(workers_.size()), queue->chunks - 1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int64_t i = 0; i < helpers; ++i) {
      // `fn` outlives the helpers' use of it: its chunks are all done before we return, and a
      // helper that starts late finds no chunk left and never calls it.
      tasks_.emplace_back([queue, &fn] { queue->Drain(fn); });
    }
  }
  wake_.notify_all();
  queue->Drain(fn);
  std::unique_lock<std::mutex> lock(queue->mu);
  queue->all_done.wait(lock, [&] { return queue->done.load() == queue->chunks; });
}

}  // namespace arca
