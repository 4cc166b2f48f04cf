// Polynomial approximations for the elementary functions, computed from the functions
// themselves rather than copied in as tables of numbers.
#ifndef ARCA_FXP_CHEBYSHEV_H_
#define ARCA_FXP_CHEBYSHEV_H_

#include <functional>
#include <vector>

namespace arca::fxp {

// The coefficients c_0..c_d of the degree-d polynomial that interpolates f at the Chebyshev
// nodes of [a, b], as a polynomial in u = x - (a + b) / 2. Chebyshev interpolation is within a
// small factor of the best uniform approximation, and these coefficients stay small for the
// smooth functions and short intervals used here.
std::vector<double> ChebyshevFit(const std::function<double(double)>& f, double a, double b,
                                 int degree);

// The interpolant of lowest degree (at most max_degree) whose error, measured on a fine grid
// over [a, b], is at most `tolerance`; the degree-max_degree one if none is.
std::vector<double> ChebyshevFitWithin(const std::function<double(double)>& f, double a, double b,
                                       double tolerance, int max_degree);

// c_0 + c_1·u + ... evaluated in double precision (the reference in tests).
double EvaluatePolynomial(const std::vector<double>& c, double u);

}  // namespace arca::fxp

#endif  // ARCA_FXP_CHEBYSHEV_H_
