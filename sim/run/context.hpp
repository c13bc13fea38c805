#pragma once
// What every actor of a run shares: the scenario, the platform, and the counters that the
// reports read. Actors send through send() so that every byte is accounted on its links.
#include <memory>
#include <random>
#include <unordered_map>
#include <simgrid/s4u.hpp>

#include "platform/build.hpp"
#include "run/traffic.hpp"
#include "scenario/scenario.hpp"

namespace cs {

struct Endpoint {
  sg4::Mailbox* mailbox;
  sg4::Host* host;
};

struct RunContext {
  const Scenario& scenario;
  const Platform& platform;
  TrafficCounter traffic;
  unsigned long long executions = 0;
  std::unordered_map<const sg4::Link*, double> link_loss;  // links with a loss rate above 0

  // Probability that one packet from src reaches dst, over the links of its route.
  double delivery_probability(const sg4::Host* src, const sg4::Host* dst) {
    double p = 1.0;
    if (link_loss.empty()) return p;
    for (const auto* l : traffic.route(src, dst))
      if (auto it = link_loss.find(l); it != link_loss.end()) p *= 1.0 - it->second;
    return p;
  }

  // Starts a transfer of `bytes` from the calling actor's host; the receiver owns `payload`.
  template <class T>
  sg4::CommPtr send(const Endpoint& to, std::unique_ptr<T> payload, double bytes) {
    traffic.add(sg4::this_actor::get_host(), to.host, bytes);
    return to.mailbox->put_async(payload.release(), bytes);
  }
  // A worker's own random stream (stragglers, ...): a function of the seed and its identity only.
  std::mt19937_64 stream(std::uint64_t job, std::uint64_t rank) const {
    std::seed_seq seq{scenario.seed, job, rank};
    return std::mt19937_64(seq);
  }
  // Busy for `seconds` on one core of the calling actor's host.
  void compute(double seconds) {
    if (seconds <= 0) return;
    ++executions;
    sg4::this_actor::execute(seconds * sg4::this_actor::get_host()->get_speed());
  }
  // One iteration's compute of a job's worker, with the job's jitter drawn from `rng`.
  void compute_iteration(const JobSpec& job, std::mt19937_64& rng) {
    double factor = 1;
    if (job.compute_jitter > 0) factor += job.compute_jitter * std::uniform_real_distribution<double>(-1, 1)(rng);
    compute(job.compute_s * factor);
  }
};

template <class T>
std::unique_ptr<T> receive(sg4::Mailbox* mailbox) {
  return std::unique_ptr<T>(mailbox->get<T>());
}

}  // namespace cs
