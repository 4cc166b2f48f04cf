#include "bench/inputs.h"

namespace arca::bench {
namespace {

// SplitMix64: fast, and good enough for data whose only job is to look random.
class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace

mpc::RingTensor RandomRing(const mpc::Shape& shape, uint64_t seed) {
  mpc::RingTensor t(shape);
  SplitMix rng(seed);
  for (uint64_t& v : t.values()) v = rng.Next();
  return t;
}

mpc::RingTensor RandomSigned(const mpc::Shape& shape, int64_t bound, uint64_t seed) {
  mpc::RingTensor t(shape);
  SplitMix rng(seed);
  const auto span = static_cast<uint64_t>(2 * bound + 1);
  for (uint64_t& v : t.values()) v = static_cast<uint64_t>(-bound) + rng.Next() % span;
  return t;
}

std::vector<double> RandomDoubles(int64_t n, uint64_t seed) {
  std::vector<double> v(static_cast<size_t>(n));
  SplitMix rng(seed);
  // The top 53 bits make a double in [0, 1); scale to [-1, 1).
  for (double& x : v) x = static_cast<double>(rng.Next() >> 11) * 0x1.0p-52 - 1.0;
  return v;
}

Result<mpc::Shared> InputFrom(mpc::Protocol& protocol, int owner, const mpc::Shape& shape,
                              const std::function<mpc::RingTensor()>& make) {
  if (!protocol.Holds(owner)) return protocol.Input(owner, shape, nullptr);
  const mpc::RingTensor value = make();
  return protocol.Input(owner, shape, &value);
}

}  // namespace arca::bench
