#include "arca/fxp/chebyshev.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace arca::fxp {

std::vector<double> ChebyshevFit(const std::function<double(double)>& f, double a, double b,
                                 int degree) {
  const size_t n = static_cast<size_t>(degree) + 1;
  const double mid = (a + b) / 2, half = (b - a) / 2;
  // Chebyshev-basis coefficients from the values at the nodes t_k = cos((2k+1)pi/2n).
  std::vector<double> cheb(n, 0.0);
  for (size_t k = 0; k < n; ++k) {
    const double theta =
        std::numbers::pi * static_cast<double>(2 * k + 1) / static_cast<double>(2 * n);
    const double value = f(mid + half * std::cos(theta));
    for (size_t j = 0; j < n; ++j) cheb[j] += value * std::cos(static_cast<double>(j) * theta);
  }
  for (size_t j = 0; j < n; ++j) cheb[j] *= (j == 0 ? 1.0 : 2.0) / static_cast<double>(n);

  // Expand sum_j cheb_j T_j(t) in powers of t, with T_{j+1} = 2t T_j - T_{j-1}.
  std::vector<double> power(n, 0.0), prev(n, 0.0), cur(n, 0.0);
  prev[0] = 1.0;            // T_0
  if (n > 1) cur[1] = 1.0;  // T_1
  for (size_t j = 0; j < n; ++j) {
    const std::vector<double>& t_j = j == 0 ? prev : cur;
    for (size_t i = 0; i < n; ++i) power[i] += cheb[j] * t_j[i];
    if (j >= 1 && j + 1 < n) {
      std::vector<double> next(n, 0.0);
      for (size_t i = 0; i + 1 < n; ++i) next[i + 1] += 2 * cur[i];
      for (size_t i = 0; i < n; ++i) next[i] -= prev[i];
      prev = cur;
      cur = next;
    }
  }
  // From t = u / half to u.
  double scale = 1.0;
  for (size_t i = 0; i < n; ++i) {
    power[i] /= scale;
    scale *= half;
  }
  return power;
}

std::vector<double> ChebyshevFitWithin(const std::function<double(double)>& f, double a, double b,
                                       double tolerance, int max_degree) {
  constexpr int kGrid = 2000;
  const double mid = (a + b) / 2;
  std::vector<double> c;
  for (int degree = 1; degree <= max_degree; ++degree) {
    c = ChebyshevFit(f, a, b, degree);
    double worst = 0;
    for (int i = 0; i <= kGrid; ++i) {
      const double x = a + (b - a) * i / kGrid;
      worst = std::max(worst, std::fabs(EvaluatePolynomial(c, x - mid) - f(x)));
    }
    if (worst <= tolerance) break;
  }
  return c;
}

double EvaluatePolynomial(const std::vector<double>& c, double u) {
  double acc = 0.0;
  for (size_t i = c.size(); i-- > 0;) acc = acc * u + c[i];
  return acc;
}

}  // namespace arca::fxp
