// Differential-privacy noise that no single node knows (docs/PLANS.md, "Noise").
//
// The noise is computed inside MPC from joint randomness (joint_random.h): every compute party
// contributes uniform integers, so the noise is secret-shared like any other value and is
// added to an output before the output is opened. No node, and no coalition the protocol
// tolerates, can know or choose it.
//
// From r uniform in [0, 2^(f+1)) (f the fractional bits) come a sign bit (r >= 2^f) and
// U = (r mod 2^f + 1) / 2^f, uniform on the grid {2^-f, 2·2^-f, ..., 1}: U is never 0, so
// -ln U is finite.
//
//   Laplace(b)   sign · b · (-ln U): -ln U of a uniform U is Exp(1), a random sign makes it
//                Laplace(1). |noise| <= f·ln 2·b: the tail beyond is truncated, a mass of
//                2^-f (12.5·b at f = 18; the exact tail beyond has probability 2^-f too).
//   Gaussian(σ)  Box–Muller: sqrt(-2 ln U1)·cos(2π·U2) is N(0, 1). cos(2π·U2) has the
//                distribution of sign·cos(π/2·V) for V uniform in [0, 1) and an independent
//                random sign (|cos| over each quarter period is the same monotone map, and
//                the sign is symmetric), so a polynomial of cos on a quarter period suffices:
//                a Chebyshev interpolant in V - 1/2 within half an ulp (degree 6 at f = 18),
//                evaluated with fxp's polynomial machinery. |noise| <= sqrt(2·f·ln 2)·σ: the
//                tail beyond is truncated (4.99σ at f = 18, a mass of 6e-7; 5.77σ at f = 24).
//                -ln U1 is clamped below at one ulp so that the square root stays in range.
//
// Accuracy per sample, against the exact function of the same U (from fxp's documented
// bounds; dp_noise_test.cc checks them): Laplace within (3b + 3) ulp + 2^-(f+1) relative;
// Gaussian, with R = sqrt(-2 ln U1), within σ·(min(3 ulp/R, sqrt(8 ulp)) + 2^-(f-1)·R +
// 6 ulp) + 2 ulp + 2^-(f+1) relative: ln's error through the square root, largest where U1 is
// near 1, is at most sqrt(8 ulp)·σ (5.5e-3·σ at f = 18); elsewhere a few ulp·σ (measured: up
// to 15). The scale must keep the largest noise in the fixed-point product range:
// scale·(f·ln 2 + 1) < 2^(62 - 2f) (5.4e6 at f = 18).
//
// Cost per sample: two batches of comparisons (the reduction of the joint randomness and the
// sign), a logarithm, and for the Gaussian a square root, a maximum and a degree-6 polynomial.
#ifndef ARCA_ML_DP_NOISE_H_
#define ARCA_ML_DP_NOISE_H_

#include <cstdint>

#include "arca/fxp/fixed_point.h"

namespace arca::ml {

// `count` samples of Laplace noise with scale `b` > 0, shape [count], fixed point at
// fp.frac_bits(). `own` is this party's contribution to the joint randomness (tests only; see
// NoiseContributionShape); null draws it from the OS.
Result<mpc::Shared> LaplaceNoise(fxp::FixedPoint& fp, int64_t count, double b,
                                 const mpc::RingTensor* own = nullptr);

// `count` samples of normal noise with standard deviation `sigma` > 0, as LaplaceNoise.
Result<mpc::Shared> GaussianNoise(fxp::FixedPoint& fp, int64_t count, double sigma,
                                  const mpc::RingTensor* own = nullptr);

// The shape of one party's contribution to `count` samples: [count] for Laplace, [2, count]
// for Gaussian (two uniforms per sample).
mpc::Shape NoiseContributionShape(bool gaussian, int64_t count);

}  // namespace arca::ml

#endif  // ARCA_ML_DP_NOISE_H_
