#pragma once
// A one-line progress bar on stderr, shown only when stderr is a terminal and the run has
// lasted over a second, redrawn at most ten times a second.
#include <chrono>

namespace cs {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();  // clears the line
  void update(double simulated_s, double fraction_done);

 private:
  bool enabled_;
  bool drawn_ = false;
  unsigned calls_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace cs
