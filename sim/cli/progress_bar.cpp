#include "progress_bar.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

namespace cs {

ProgressBar::ProgressBar(bool enabled)
    : enabled_(enabled && ::isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()), last_(start_) {}

ProgressBar::~ProgressBar() {
  if (drawn_) fmt::print(stderr, "\r{:80}\r", "");
}

void ProgressBar::update(double simulated_s, double fraction) {
  // Reading the clock on every simulated step would cost more than the bar is worth.
  if (!enabled_ || (++calls_ & 1023u) != 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  constexpr int width = 30;
  int filled = int(fraction * width);
  double wall = std::chrono::duration<double>(now - start_).count();
  fmt::print(stderr, "\r[{:#<{}}{:<{}}] {:5.1f}%  simulated {:.3f}s  wall {:.1f}s", "", filled, "", width - filled,
             100 * fraction, simulated_s, wall);
  std::fflush(stderr);
}

}  // namespace cs
