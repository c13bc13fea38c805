#include "ina/ina_run.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

#include "training/scale_agreement.hpp"

namespace cs::ina_sim {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser: a cheap, well-spread hash
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

PacketPlan packet_plan(const InaSpec& spec, const JobSpec& job, const CompressedJob* compressed) {
  PacketPlan p;
  if (compressed && compressed->scheme().integer_sum()) {
    // An aggregator's registers (values_per_packet 32-bit words) hold the sums at the
    // scheme's downstream width, so one fragment carries that many coordinates.
    const double coords = std::floor(spec.values_per_packet * 32.0 / compressed->spec().scheme.downstream_bits);
    p.fragments = std::uint64_t(std::ceil(compressed->coordinates() / coords));
    p.up_payload_bytes = coords * compressed->bits_up_per_coord() / 8;
    p.down_payload_bytes = coords * compressed->bits_down_per_coord() / 8;
  } else {
    p.fragments = std::uint64_t(std::ceil(job.gradient_bytes / spec.payload_bytes()));
    p.up_payload_bytes = p.down_payload_bytes = spec.payload_bytes();
  }
  p.up_packet_bytes = p.up_payload_bytes + spec.header_bytes;
  p.down_packet_bytes = p.down_payload_bytes + spec.header_bytes;
  return p;
}

InaRun::InaRun(RunContext& c, TrainingState& t, const InaSpec& s)
    : ctx(c), training(t), spec(s), lines(c), run_salt_(mix(c.scenario.seed)) {
  lossy_ = !ctx.link_loss.empty();
  std::map<std::string, InaSwitch*> by_host;
  const auto& specs = training.workload.jobs;
  jobs.resize(specs.size());
  for (size_t j = 0; j < specs.size(); ++j) {
    if (specs[j].aggregation != AggregationKind::in_network) continue;
    auto switch_named = [&](const std::string& host) {
      auto& sw = by_host[host];
      if (!sw) {
        switches.push_back(std::make_unique<InaSwitch>());
        sw = switches.back().get();
        sw->host = host;
        sw->policy = spec.policy->make({spec.aggregators, 0});
        sw->node = ctx.platform.host(sw->host);
      }
      return sw;
    };
    auto job = std::make_unique<InaJob>();
    job->job = j;
    job->spec = &specs[j];
    job->sw = switch_named(specs[j].aggregation_switch);
    job->ps = ctx.platform.host(specs[j].servers.at(0));
    for (size_t w = 0; w < specs[j].workers.size(); ++w) {
      job->workers.push_back(ctx.platform.host(specs[j].workers[w]));
      job->worker_inboxes.push_back(std::make_unique<TimedInbox<Results>>());
      InaSwitch* first = specs[j].first_level_switches.empty() ? job->sw : switch_named(specs[j].first_level_switches[w]);
      auto level = std::find_if(job->first_level.begin(), job->first_level.end(), [&](const FirstLevel& f) { return f.sw == first; });
      if (level == job->first_level.end()) level = job->first_level.insert(level, FirstLevel{first, 0, 0});
      level->workers |= std::uint64_t(1) << w;
      ++level->fan_in;
      job->level_of_worker.push_back(std::uint32_t(level - job->first_level.begin()));
    }
    job->compressed = training.compressed.empty() ? nullptr : training.compressed[j].get();
    const PacketPlan plan = packet_plan(spec, specs[j], job->compressed);
    job->fragments = plan.fragments;
    job->up_payload_bytes = plan.up_payload_bytes;
    job->down_payload_bytes = plan.down_payload_bytes;
    job->up_packet_bytes = plan.up_packet_bytes;
    job->down_packet_bytes = plan.down_packet_bytes;
    choose_unit(*job);
    jobs[j] = std::move(job);
  }
  for (auto& sw : switches)
    sg4::Actor::create("ina-switch-" + sw->host, sw->node, [this, s = sw.get()] { switch_service(*this, *s); });
}

// A receiver acts on a message when its last packet arrives, on each packet at that packet's
// own arrival time: a packet may be acted on up to (unit - 1) packet times after it arrived,
// and what it sends on is then ready that far back. While that stays within the shortest
// latency of the job's routes, nothing sent can arrive before it was sent and the order in
// which packets meet (in the policy, on a line) is off by at most that window; beyond it,
// the unit is lowered.
void InaRun::choose_unit(InaJob& job) {
  double min_latency = std::numeric_limits<double>::infinity(), max_packet_s = 0;
  auto visit = [&](const sg4::Host* from, const sg4::Host* to, double bytes) {
    for (const sg4::Link* l : ctx.traffic.route(from, to)) {
      min_latency = std::min(min_latency, l->get_latency());
      max_packet_s = std::max(max_packet_s, bytes / l->get_bandwidth());
    }
  };
  for (std::uint32_t w = 0; w < job.workers.size(); ++w) {
    visit(job.workers[w], job.first_switch(w)->node, job.up_packet_bytes);
    visit(job.first_switch(w)->node, job.workers[w], job.down_packet_bytes);
  }
  for (const FirstLevel& f : job.first_level)
    if (f.sw != job.sw) {
      visit(f.sw->node, job.sw->node, std::max(job.up_packet_bytes, job.down_packet_bytes));
      visit(job.sw->node, f.sw->node, job.down_packet_bytes);
    }
  visit(job.sw->node, job.ps, std::max(job.up_packet_bytes, job.down_packet_bytes));
  visit(job.ps, job.sw->node, job.down_packet_bytes);
  const double fits = max_packet_s > 0 ? std::floor(min_latency / max_packet_s) + 1 : double(spec.unit);
  job.unit = std::uint32_t(std::max(1.0, std::min<double>(spec.unit, fits)));
  job.reorder_window_s = (job.unit - 1) * max_packet_s;
}

// A job's fragments map one-to-one onto a window of aggregators_per_job consecutive
// aggregators at a random offset, so a job never collides with itself (while the window fits
// in memory) and jobs collide where their windows overlap.
std::uint32_t InaRun::aggregator_index(std::uint32_t job, std::uint64_t seq) const {
  const std::uint64_t offset = mix(run_salt_ ^ job) % spec.aggregators;
  return std::uint32_t((offset + seq % spec.aggregators_per_job) % spec.aggregators);
}

std::uint32_t InaRun::priority(const InaJob& job, std::uint64_t seq) const {
  if (!spec.policy->traits.priority_aware) return 0;
  const std::uint64_t done = seq / job.fragments * job.fragments;
  const std::uint64_t total = std::uint64_t(job.spec->iterations) * job.fragments;
  const std::uint64_t measure = spec.priority == PriorityMetric::srtf ? total - done : done;
  return std::uint32_t(0xffffffffu - std::min<std::uint64_t>(measure, 0xfffffffeu));
}

bool InaRun::delivered(const sg4::Host* src, const sg4::Host* dst) {
  if (!lossy_) return true;
  auto it = delivery_.find({src, dst});
  if (it == delivery_.end()) {
    auto name_hash = [](const std::string& name) {  // FNV-1a: the same in every build, unlike std::hash
      std::uint64_t h = 0xcbf29ce484222325ull;
      for (unsigned char ch : name) h = (h ^ ch) * 0x100000001b3ull;
      return h;
    };
    const std::uint64_t seed = learning::derive_seed(ctx.scenario.seed, name_hash(src->get_name()), name_hash(dst->get_name()));
    it = delivery_.emplace(std::pair{src, dst}, Delivery{ctx.delivery_probability(src, dst), learning::SplitMix64(seed)}).first;
  }
  Delivery& d = it->second;
  return d.probability >= 1.0 || d.rng.uniform() < d.probability;
}

void InaRun::submit(size_t j) {
  if (!try_start(j)) waiting_.push_back(j);
}

bool InaRun::try_start(size_t j) {
  InaJob& job = *jobs[j];
  // A pools_per_job policy (SwitchML) reserves a pool; without one the job waits, or aggregates
  // at its PS (host path). The other policies always admit.
  if (!job.sw->policy->admit(std::uint32_t(j), spec.switchml_pool) && !spec.switchml_host_path) return false;
  training.job_started(j, sg4::Engine::get_clock());
  job.counters.admission_wait_s = training.jobs[j].start_s - job.spec->arrival_s;
  sg4::Actor::create(fmt::format("{}-ps", job.spec->name), job.ps, [this, &job] { ina_server(*this, job); });
  if (job.compressed && job.compressed->agreement_bytes() > 0)
    sg4::Actor::create(fmt::format("{}-agree", job.spec->name), job.ps, [this, &job] {
      scale_agreement_service(ctx, training, job.job, job.spec->iterations, job.compressed->agreement_bytes());
    });
  for (std::uint32_t w = 0; w < job.workers.size(); ++w)
    sg4::Actor::create(fmt::format("{}-w{}", job.spec->name, w), job.workers[w],
                       [this, &job, w] { ina_worker(*this, job, w); });
  return true;
}

void InaRun::job_finished(size_t j) {
  training.job_finished(j, sg4::Engine::get_clock());
  jobs[j]->sw->policy->release(std::uint32_t(j));
  // Admit waiting jobs (pools_per_job policies) in arrival order, each as soon as a pool fits.
  std::vector<size_t> still;
  for (size_t w : waiting_)
    if (jobs[w]->sw != jobs[j]->sw || !try_start(w)) still.push_back(w);
  waiting_ = std::move(still);
}

}  // namespace cs::ina_sim
