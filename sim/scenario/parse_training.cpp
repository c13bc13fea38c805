#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fmt/format.h>
#include <random>
#include <set>

#include "core/text.hpp"
#include "platform/aggregation_tree.hpp"
#include "scenario_keys.hpp"
#include "scenario.hpp"
#include "training/model_zoo.hpp"

namespace cs {

std::vector<std::string> expand_name_range(const std::string& pattern) {
  auto open = pattern.find('['), dash = pattern.find('-', open), close = pattern.find(']', dash);
  if (open == std::string::npos || dash == std::string::npos || close != pattern.size() - 1) return {pattern};
  int lo = 0, hi = 0;
  try {
    lo = std::stoi(pattern.substr(open + 1, dash - open - 1));
    hi = std::stoi(pattern.substr(dash + 1, close - dash - 1));
  } catch (const std::exception&) {
    return {pattern};
  }
  // A descending or absurdly long range stays unexpanded, so it fails as an unknown host name
  // instead of silently expanding to nothing or to billions of names.
  constexpr int longest_range = 1 << 16;
  if (lo < 0 || hi < lo || hi - lo >= longest_range) return {pattern};
  std::vector<std::string> out;
  for (int i = lo; i <= hi; ++i) out.push_back(pattern.substr(0, open) + std::to_string(i));
  return out;
}

namespace {

// Hands out compute hosts to jobs that give a count instead of names.
class Placer {
 public:
  Placer(std::vector<std::string> hosts, const std::string& policy, std::uint64_t seed) : hosts_(std::move(hosts)) {
    if (policy == "random") std::shuffle(hosts_.begin(), hosts_.end(), std::mt19937_64(seed));
  }
  size_t size() const { return hosts_.size(); }
  std::string next() { return hosts_[cursor_++ % hosts_.size()]; }

 private:
  std::vector<std::string> hosts_;
  size_t cursor_ = 0;
};

std::vector<std::string> host_list(const JsonNode& n, const Topology& topo, Placer& placer, long long min_count) {
  std::vector<std::string> names;
  if (n.raw().is_number()) {
    auto count = n.integer(min_count, 1 << 20);
    if (size_t(count) > placer.size())
      n.fail(fmt::format("{} hosts asked for, the platform has {} compute hosts", count, placer.size()));
    for (long long i = 0; i < count; ++i) names.push_back(placer.next());
    return names;
  }
  for (const auto& item : n.items())
    for (auto& name : expand_name_range(item.text())) {
      auto index = topo.find(name);
      if (!index)
        item.fail(fmt::format("no host named \"{}\" in the platform{}", name,
                              name.find('[') == std::string::npos ? "" : " (a range reads name[low-high], low <= high)"));
      // A DC server may train when no inference workload serves on it (load_scenario checks claims).
      if (topo.nodes[*index].role != NodeRole::compute && topo.nodes[*index].role != NodeRole::datacenter)
        item.fail(fmt::format("\"{}\" is a {}, not a compute host (nor a DC server)", name, role_name(topo.nodes[*index].role)));
      names.push_back(std::move(name));
    }
  if ((long long)names.size() < min_count) n.fail(fmt::format("at least {} hosts needed", min_count));
  std::set<std::string> seen;
  for (const auto& name : names)
    if (!seen.insert(name).second) n.fail(fmt::format("\"{}\" is listed twice", name));
  return names;
}

// routes: the platform's route function, needed only by two-level aggregation (ina_levels 2).
JobSpec parse_job(const JsonNode& n, size_t index, const Topology& topo, Placer& placer, int ina_levels, RouteFunction* routes) {
  n.allow_keys(scenario_keys::job);
  JobSpec j;
  j.name = n.text_or("name", fmt::format("job{}", index));
  if (n.has("model") == n.has("gradient_size")) n.fail("give either \"model\" or \"gradient_size\"");
  if (auto m = n.find("model")) {
    auto found = find_model(m->text());
    if (!found) {
      std::string names;
      std::vector<std::string_view> known;
      for (const auto& z : model_zoo()) {
        names += (names.empty() ? "" : ", ") + std::string(z.name);
        known.push_back(z.name);
      }
      m->fail(fmt::format("unknown model \"{}\"{}; known: {}", m->text(), did_you_mean(m->text(), known), names));
    }
    j.model = std::string(found->name);
    j.gradient_bytes = fp32_gradient_bytes(*found);
  } else {
    j.model = "custom";
    j.gradient_bytes = n.at("gradient_size").positive_quantity(Dimension::size);
  }
  j.workers = host_list(n.at("workers"), topo, placer, 1);
  std::string kind = n.find("aggregation") ? n.at("aggregation").choice({"ps", "ring", "ina"}) : "ps";
  j.aggregation = kind == "ps"     ? AggregationKind::parameter_server
                  : kind == "ring" ? AggregationKind::ring_allreduce
                                   : AggregationKind::in_network;
  if (j.aggregation != AggregationKind::ring_allreduce) {
    if (!n.has("servers") && placer.size() == 0)
      n.fail(fmt::format("give \"servers\": the {} platform has no compute hosts to place a parameter server on", topo.kind));
    j.servers = n.has("servers") ? host_list(n.at("servers"), topo, placer, 1) : std::vector{placer.next()};
  }
  if (j.aggregation == AggregationKind::in_network) {
    if (j.servers.size() != 1) n.at("servers").fail("in-network aggregation uses one parameter server per job");
    // The contributor bitmap of an aggregator has 64 bits (ATP's has 32).
    if (j.workers.size() < 2 || j.workers.size() > 64)
      n.at("workers").fail(fmt::format("in-network aggregation needs 2 to 64 workers, got {}", j.workers.size()));
    std::vector<size_t> workers;
    for (const auto& w : j.workers) workers.push_back(*topo.find(w));
    try {
      const AggregationTree tree = aggregation_tree(topo, routes, workers, *topo.find(j.servers[0]), ina_levels);
      j.aggregation_switch = topo.nodes[tree.top].name;
      if (tree.two_level())
        for (size_t s : tree.first_level) j.first_level_switches.push_back(topo.nodes[s].name);
    } catch (const std::invalid_argument& e) {
      n.at("workers").fail(e.what());
    }
  } else if (j.aggregation == AggregationKind::ring_allreduce) {
    if (n.has("servers")) n.at("servers").fail("ring all-reduce has no parameter servers");
    if (j.workers.size() < 2) n.at("workers").fail("ring all-reduce needs at least 2 workers");
  }
  j.iterations = n.at("iterations").integer(1, 100000000);
  j.compute_s = n.at("compute").quantity(Dimension::duration);
  j.compute_jitter = n.number_or("compute_jitter", 0, 0, 0.99);
  j.arrival_s = n.quantity_or("arrival", Dimension::duration, 0);
  return j;
}

// What a scheme asks of the job's aggregation path. `where` is the compression object that
// chose the scheme (the job's own or the workload's), `ring_where` what a ring job is told at.
void check_compression(const JobSpec& j, const JsonNode& ring_where, const CompressionSpec& c, const JsonNode& where) {
  compression::SchemeConfig config = c.scheme;
  config.workers = int(j.workers.size());
  std::unique_ptr<compression::Scheme> scheme;
  try {
    scheme = compression::make_scheme(config);
  } catch (const std::invalid_argument& e) {
    // What is left to fail here depends on the job: n x g must fit the downstream width.
    where.find("granularity").value_or(where).fail(fmt::format("job \"{}\": {}", j.name, e.what()));
  }
  if (j.aggregation == AggregationKind::ring_allreduce && config.name != "none")
    ring_where.fail(fmt::format("scheme \"{}\" needs an aggregator (aggregation \"ps\" or \"ina\"), not a ring all-reduce",
                         config.name));
  // A switch adds integers: THC's table values, or fp32 converted to fixed point as ATP does.
  if (j.aggregation == AggregationKind::in_network && !scheme->integer_sum() && config.name != "none")
    where.at("scheme").fail(fmt::format(
        "scheme \"{}\" cannot aggregate in the switch (job \"{}\" uses aggregation \"ina\"): its aggregate is not a sum "
        "of integers; use thc, uhc or none, or aggregation \"ps\"",
        config.name, j.name));
}

// A job's own "compression": an object with the workload's schema, or the string "none" for
// plain fp32 whatever the workload's default. With `learning`, "none" still trains the job's
// proxy, through scheme "none" (fp32 with its aggregation costs), exactly as a workload with
// learning and no compression trains every job: a proxy needs an aggregate to step on.
std::optional<CompressionSpec> job_compression(const JsonNode& n, const TrainingWorkload& t, const std::string& base_dir) {
  if (n.raw().is_string()) {
    if (n.text() != "none")
      n.fail(fmt::format("\"{}\": a job's compression is an object like the workload's (\"scheme\": ...) or \"none\"",
                         n.text()));
    if (!t.learning) return std::nullopt;
    const json none = {{"scheme", "none"}};
    return parse_compression(JsonNode(none, n.file(), n.path()), base_dir);
  }
  if (!n.raw().is_object())
    n.fail("a job's compression is an object like the workload's (\"scheme\": ...) or \"none\"");
  return parse_compression(n, base_dir);
}

}  // namespace

TrainingWorkload parse_training(const JsonNode& w, const JsonNode& policies, const Topology& topo, std::uint64_t seed) {
  w.allow_keys(scenario_keys::training);
  std::string placement = policies.find("placement") ? policies.at("placement").choice({"pack", "random"}) : "pack";
  // Jobs that name their hosts may run on DC hosts (edge_dc has no compute hosts); only counts
  // and default servers are placed, on compute hosts.
  auto compute = topo.names_with_role(NodeRole::compute);
  Placer placer(compute, placement, seed);
  TrainingWorkload t;
  t.ina = parse_ina(w.find("ina"), policies);
  const std::string base_dir = std::filesystem::path(w.file()).parent_path().string();
  if (auto c = w.find("compression")) t.compression = parse_compression(*c, base_dir);
  if (auto l = w.find("learning")) {
    t.learning = parse_learning(*l, base_dir);
    // Proxy training without a scheme is plain fp32 training, with its aggregation costs.
    if (!t.compression) {
      json none = {{"scheme", "none"}};
      t.compression = parse_compression(JsonNode(none, w.file(), w.path() + "/compression"), base_dir);
    }
  }
  // Jobs come from "jobs" and from a trace file. Precedence, lowest first: "job_defaults" (fills
  // what a job or its trace row leaves out), the job's own fields or columns, "job_overrides"
  // (wins over both: reshapes traced jobs). "model" and "gradient_size" are one choice: a
  // layer that gives either replaces the other from the layers below. A layer's "compression"
  // replaces the one below whole (no merging of scheme options: a scheme's options mean
  // nothing to another scheme); the workload's "compression" lies below all three.
  std::deque<json> merged;  // stable addresses: JsonNodes point into it
  std::vector<JsonNode> jobs;
  std::optional<JsonNode> defaults = w.find("job_defaults"), overrides = w.find("job_overrides");
  for (const auto& layer : {defaults, overrides})
    if (layer) layer->allow_keys(scenario_keys::job_layer);
  auto layer_over = [](json& below, const json& above) {
    if (above.contains("model")) below.erase("gradient_size");
    if (above.contains("gradient_size")) below.erase("model");
    below.update(above);
  };
  auto with_defaults = [&](const json& job, std::string file, std::string path) {
    if (!defaults && !overrides) return JsonNode(job, std::move(file), std::move(path));
    if (!job.is_object()) return JsonNode(job, std::move(file), std::move(path));  // let parse_job say so
    json& m = merged.emplace_back(defaults ? defaults->raw() : json::object());
    layer_over(m, job);
    if (overrides) layer_over(m, overrides->raw());
    return JsonNode(m, std::move(file), std::move(path));
  };
  if (auto list = w.find("jobs"))
    for (const auto& j : list->items()) jobs.push_back(with_defaults(j.raw(), j.file(), j.path()));
  if (auto trace = w.find("jobs_trace")) {
    std::string path = trace->text();
    std::string dir = std::filesystem::path(w.file()).parent_path().string();
    if (!path.empty() && path[0] != '/' && !dir.empty()) path = dir + "/" + path;
    std::vector<JobRow> rows;
    try {
      rows = read_job_trace(path);
    } catch (const BadInput& e) {
      trace->fail(e.what());
    }
    for (auto& row : rows) {
      json& stored = merged.emplace_back(std::move(row.job));
      jobs.push_back(with_defaults(stored, fmt::format("{}:{}", path, row.line), ""));
    }
  }
  if (jobs.empty()) w.fail("no jobs: give \"jobs\" or a \"jobs_trace\" with at least one row");
  if (jobs.size() > max_jobs)
    w.fail(fmt::format("{} jobs; a run takes at most {} (each runs SimGrid actors)", jobs.size(), max_jobs));
  std::size_t places = 0;
  // Built once for all jobs: a fabric's route function indexes the whole platform.
  const std::unique_ptr<RouteFunction> routes = t.ina.levels > 1 ? routes_of(topo) : nullptr;
  std::set<std::string> names;
  for (size_t i = 0; i < jobs.size(); ++i) {
    t.jobs.push_back(parse_job(jobs[i], i, topo, placer, t.ina.levels, routes.get()));
    const JobSpec& j = t.jobs.back();
    places += j.workers.size() + j.servers.size();
    if (places > max_job_places)
      jobs[i].fail(fmt::format("the jobs up to this one have {} workers and servers in all, above the bound of {} "
                               "(each runs SimGrid actors, and the kernel's map count stops start-up near 32,000)",
                               places, max_job_places));
    if (j.aggregation == AggregationKind::in_network) {
      // An upper bound on what the INA run computes: compression packs at least as many
      // coordinates per fragment as fp32 does.
      const double fragments = std::ceil(j.gradient_bytes / t.ina.payload_bytes());
      const JsonNode size = jobs[i].find("gradient_size").value_or(jobs[i].find("model").value_or(jobs[i]));
      if (fragments > max_ina_fragments_per_iteration)
        size.fail(fmt::format("{:g} INA fragments per iteration ({} / {:g} B per packet), above the bound of 2^28 "
                              "(per-fragment state of every worker)",
                              fragments, format_quantity(j.gradient_bytes, Dimension::size), t.ina.payload_bytes()));
      if (fragments * double(j.iterations) > max_ina_fragments_per_run)
        jobs[i].at("iterations").fail(fmt::format(
            "{} iterations of {:g} INA fragments, {:g} in all, above the bound of 2^34 (the PS's per-fragment state)",
            j.iterations, fragments, fragments * double(j.iterations)));
    }
    JobSpec& job = t.jobs.back();
    if (auto own = jobs[i].find("compression")) {
      job.compression = job_compression(*own, t, base_dir);
      if (job.compression) check_compression(job, *own, *job.compression, *own);
    } else if (t.compression) {
      job.compression = t.compression;
      check_compression(job, jobs[i], *t.compression, w.find("compression").value_or(w));
    }
    // A ring has no aggregator to run a scheme (only "none" passes the check above).
    if (job.aggregation == AggregationKind::ring_allreduce) job.compression.reset();
    if (names.insert(t.jobs.back().name).second) continue;
    // A default name ("job1") can collide with a name given to an earlier job.
    if (jobs[i].has("name")) jobs[i].at("name").fail("a job of that name exists already");
    jobs[i].fail(fmt::format("the default name \"{}\" is taken by another job; give this job a \"name\"",
                             t.jobs.back().name));
  }
  return t;
}

}  // namespace cs
