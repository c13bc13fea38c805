#include "net/fluid.hpp"

#include <algorithm>
#include <cmath>

namespace cs::net {

FlowShape flow_shape(const Path& path, std::span<const Channel> channels, const NetworkParams& params) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double latency = 0, narrowest = inf, penalty_extra = 0;
  for (std::uint32_t c : path.forward) {
    latency += channels[c].latency_s;
    narrowest = std::min(narrowest, channels[c].capacity_Bps);
    if (params.weight_s > 0) penalty_extra += params.weight_s / channels[c].capacity_Bps;
  }
  // SimGrid: the sharing penalty is the route's latency (plus weight-S terms); a route without
  // latency starts its variable at penalty 1. The TCP window caps the rate at gamma / (2 lat).
  const double penalty = latency > 0 ? latency + penalty_extra : 1.0;
  double bound = narrowest;
  if (latency > 0 && params.tcp_gamma_bytes > 0) bound = std::min(bound, params.tcp_gamma_bytes / (2 * latency));
  return {latency * params.latency_factor, penalty, bound};
}

std::vector<double> max_min(std::span<const Variable> variables, std::span<const Channel> channels,
                            const Background& background) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const size_t n = variables.size();
  std::vector<double> value(n, -1);
  // Scratch reused across calls (the analytical level makes millions of small solves).
  struct Scratch {
    std::vector<std::uint32_t> touched;
    std::vector<double> remaining, usage;
    std::vector<Claim> outside;
    std::vector<size_t> open_on, first;  // first[v]: variable v's first entry
    std::vector<char> saturated;
    struct Entry {
      std::uint32_t var, channel;  // channel: local index into touched
      double weight;
    };
    std::vector<Entry> entries;
  };
  thread_local Scratch sc;
  // The channels the variables cross, compacted: a phase touches a few of a fabric's links.
  auto& touched = sc.touched;
  touched.clear();
  for (const auto& v : variables)
    for (const Usage& u : v.usage)
      if (u.weight > 0) touched.push_back(u.channel);
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  const size_t m = touched.size();
  auto local = [&](std::uint32_t c) { return std::uint32_t(std::lower_bound(touched.begin(), touched.end(), c) - touched.begin()); };
  sc.remaining.assign(m, 0.0);
  sc.usage.assign(m, 0.0);
  sc.outside.assign(m, Claim{0, 0});
  sc.open_on.assign(m, 0);
  sc.saturated.assign(m, 0);
  for (size_t k = 0; k < m; ++k) {
    sc.remaining[k] = channels[touched[k]].capacity_Bps;
    if (background) sc.outside[k] = background(touched[k]);
  }
  size_t open = 0;
  sc.entries.clear();
  sc.first.assign(n + 1, 0);
  for (size_t v = 0; v < n; ++v) {
    sc.first[v] = sc.entries.size();
    for (const Usage& u : variables[v].usage)
      if (u.weight > 0) {
        const std::uint32_t k = local(u.channel);
        sc.entries.push_back({std::uint32_t(v), k, u.weight});
        sc.usage[k] += u.weight / variables[v].penalty;
        ++sc.open_on[k];
      }
    if (sc.entries.size() == sc.first[v]) value[v] = variables[v].bound_Bps;  // shares nothing: only its bound holds it
    else ++open;
  }
  sc.first[n] = sc.entries.size();
  auto fix = [&](size_t v, double x) {
    value[v] = x;
    --open;
    for (size_t e = sc.first[v]; e < sc.first[v + 1]; ++e) {
      const auto& en = sc.entries[e];
      sc.remaining[en.channel] = std::max(0.0, sc.remaining[en.channel] - en.weight * x);
      sc.usage[en.channel] -= en.weight / variables[v].penalty;
      --sc.open_on[en.channel];
    }
  };
  while (open > 0) {
    double level = inf;
    size_t channel = m, bounded = n;
    for (size_t k = 0; k < m; ++k) {
      if (sc.saturated[k] || sc.open_on[k] == 0 || sc.usage[k] <= 0) continue;
      // usage L + min(weight L, cap) = remaining: below the cap both grow with L; past it the
      // competitors hold at their cap.
      const Claim& o = sc.outside[k];
      double l = sc.remaining[k] / (sc.usage[k] + o.weight);
      if (o.weight * l > o.cap_Bps) l = std::max(0.0, sc.remaining[k] - o.cap_Bps) / sc.usage[k];
      if (l < level) level = l, channel = k;
    }
    for (size_t v = 0; v < n; ++v)
      if (value[v] < 0 && std::isfinite(variables[v].bound_Bps))
        if (double l = variables[v].bound_Bps * variables[v].penalty; l < level) level = l, bounded = v;
    if (bounded < n) {
      fix(bounded, variables[bounded].bound_Bps);
      continue;
    }
    if (channel == m) break;
    sc.saturated[channel] = 1;
    for (size_t e = 0; e < sc.entries.size(); ++e) {
      const auto& en = sc.entries[e];
      if (en.channel == channel && value[en.var] < 0) fix(en.var, level / variables[en.var].penalty);
    }
  }
  for (auto& x : value)
    if (x < 0) x = inf;
  return value;
}

double completion_time(std::span<const Transfer> transfers, std::span<const Path> paths,
                       std::span<const Channel> channels, const NetworkParams& params,
                       const Background& background) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const size_t n = transfers.size();
  std::vector<FlowShape> shapes(n);
  std::vector<std::vector<Usage>> usage(n);
  std::vector<double> latency_left(n), bytes_left(n);
  std::vector<char> done(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const Path& p = paths[transfers[i].path];
    shapes[i] = flow_shape(p, channels, params);
    // A transfer's own cap is on its progress; SimGrid divides it by the bandwidth factor.
    shapes[i].bound_Bps = std::min(shapes[i].bound_Bps, transfers[i].bound_Bps / params.bandwidth_factor);
    for (auto c : p.forward) usage[i].push_back({c, 1.0});
    if (params.crosstraffic > 0)
      for (auto c : p.backward) usage[i].push_back({c, params.crosstraffic});
    latency_left[i] = shapes[i].latency_s;
    bytes_left[i] = transfers[i].bytes;
  }
  double now = 0;
  size_t left = n;
  std::vector<Variable> vars;
  std::vector<size_t> index;
  while (left > 0) {
    vars.clear();
    index.clear();
    double step = inf;
    for (size_t i = 0; i < n; ++i) {
      if (done[i]) continue;
      if (latency_left[i] > 0) step = std::min(step, latency_left[i]);
      else {
        vars.push_back({shapes[i].penalty, shapes[i].bound_Bps, usage[i]});
        index.push_back(i);
      }
    }
    std::vector<double> rate = max_min(vars, channels, background);
    for (size_t k = 0; k < index.size(); ++k) {
      rate[k] *= params.bandwidth_factor;
      step = std::min(step, bytes_left[index[k]] / rate[k]);
    }
    if (!std::isfinite(step)) return inf;  // a transfer that can never move
    now += step;
    for (size_t i = 0; i < n; ++i)
      if (!done[i] && latency_left[i] > 0) latency_left[i] = std::max(0.0, latency_left[i] - step);
    for (size_t k = 0; k < index.size(); ++k) {
      const size_t i = index[k];
      bytes_left[i] -= rate[k] * step;
      // Done within rounding of its own size (SimGrid's precision is far coarser).
      if (bytes_left[i] <= 1e-12 * transfers[i].bytes + 1e-12) done[i] = 1, --left;
    }
    for (size_t i = 0; i < n; ++i)  // a transfer of nothing ends when its latency is paid
      if (!done[i] && latency_left[i] <= 0 && bytes_left[i] <= 0) done[i] = 1, --left;
  }
  return now;
}

}  // namespace cs::net
