#pragma once
// Closed forms of single-server queues, against which the simulator's queues are tested.
// lambda: arrival rate, mu: service rate (both per second), lambda < mu.
#include <cmath>

namespace cs::serving::queueing {

// M/M/1: the sojourn time (wait + service) is exponential with rate mu - lambda.
inline double mm1_mean_sojourn(double lambda, double mu) { return 1.0 / (mu - lambda); }
inline double mm1_sojourn_quantile(double lambda, double mu, double q) { return -std::log(1.0 - q) / (mu - lambda); }

// M/D/1 (Pollaczek-Khinchine): mean wait rho / (2 mu (1 - rho)), plus the service 1 / mu.
inline double md1_mean_sojourn(double lambda, double mu) {
  const double rho = lambda / mu;
  return 1.0 / mu + rho / (2.0 * mu * (1.0 - rho));
}

}  // namespace cs::serving::queueing
