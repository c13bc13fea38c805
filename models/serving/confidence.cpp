#include "serving/confidence.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace cs::serving {

namespace {

void check_temperature(double temperature, const char* what) {
  if (!(temperature > 0) || !std::isfinite(temperature))
    throw std::invalid_argument(std::string(what) + ": temperature must be positive and finite, got " +
                                std::to_string(temperature));
}

void check_rows(std::span<const float> logits, std::span<const std::uint8_t> labels, int classes, const char* what) {
  if (classes <= 0) throw std::invalid_argument(std::string(what) + ": classes must be positive");
  if (labels.empty()) throw std::invalid_argument(std::string(what) + ": no samples");
  if (logits.size() != labels.size() * static_cast<std::size_t>(classes))
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(logits.size()) + " logits for " +
                                std::to_string(labels.size()) + " labels of " + std::to_string(classes) +
                                " classes");
  for (std::uint8_t y : labels)
    if (y >= classes)
      throw std::invalid_argument(std::string(what) + ": label " + std::to_string(y) + " out of " +
                                  std::to_string(classes) + " classes");
}

// log sum_k exp(z_k / T) - z_y / T, shifted by the row's max so that exp() stays finite.
double row_nll(const float* z, int classes, int label, double inv_t) {
  float m = z[0];
  for (int k = 1; k < classes; ++k) m = std::max(m, z[k]);
  double sum = 0;
  for (int k = 0; k < classes; ++k) sum += std::exp((static_cast<double>(z[k]) - m) * inv_t);
  return std::log(sum) - (static_cast<double>(z[label]) - m) * inv_t;
}

double nll_unchecked(std::span<const float> logits, std::span<const std::uint8_t> labels, int classes,
                     double temperature) {
  const double inv_t = 1.0 / temperature;
  double total = 0;
  for (std::size_t i = 0; i < labels.size(); ++i)
    total += row_nll(logits.data() + i * static_cast<std::size_t>(classes), classes, labels[i], inv_t);
  return total / static_cast<double>(labels.size());
}

}  // namespace

int argmax(std::span<const float> logits) {
  if (logits.empty()) throw std::invalid_argument("argmax: no logits");
  std::size_t best = 0;
  for (std::size_t k = 1; k < logits.size(); ++k)
    if (logits[k] > logits[best]) best = k;  // strict: the first of equal maxima wins
  return static_cast<int>(best);
}

double max_softmax(std::span<const float> logits, double temperature) {
  check_temperature(temperature, "max_softmax");
  // The largest probability is 1 / sum_k exp((z_k - max) / T): every term is in (0, 1], the
  // max's term is exactly 1, so no overflow and the sum is >= 1.
  const float m = logits[static_cast<std::size_t>(argmax(logits))];
  const double inv_t = 1.0 / temperature;
  double sum = 0;
  for (float z : logits) sum += std::exp((static_cast<double>(z) - m) * inv_t);
  return 1.0 / sum;
}

double mean_nll(std::span<const float> logits, std::span<const std::uint8_t> labels, int classes, double temperature) {
  check_temperature(temperature, "mean_nll");
  check_rows(logits, labels, classes, "mean_nll");
  return nll_unchecked(logits, labels, classes, temperature);
}

double fit_temperature(std::span<const float> logits, std::span<const std::uint8_t> labels, int classes) {
  check_rows(logits, labels, classes, "fit_temperature");
  // NLL is convex in 1/T, hence unimodal in log T (a monotone reparametrisation): golden-section
  // search over u = log T. 60 iterations shrink [ln 0.05, ln 20] (width 6) by 0.618^60 ~ 3e-13.
  const auto f = [&](double u) { return nll_unchecked(logits, labels, classes, std::exp(u)); };
  const double ratio = (std::sqrt(5.0) - 1) / 2;  // 0.618...
  double a = std::log(0.05), b = std::log(20.0);
  double c = b - ratio * (b - a), d = a + ratio * (b - a);
  double fc = f(c), fd = f(d);
  for (int i = 0; i < 60; ++i) {
    if (fc <= fd) {  // the minimum is in [a, d]
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {  // in [c, b]
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return std::exp((a + b) / 2);
}

}  // namespace cs::serving
