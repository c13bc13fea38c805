#include "ina/ina_run.hpp"

#include <fmt/format.h>

#include "training/scale_agreement.hpp"

namespace cs::ina_sim {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser: a cheap, well-spread hash
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

ina::PolicyKind policy_kind(SwitchAllocation a) {
  switch (a) {
    case SwitchAllocation::switchml: return ina::PolicyKind::switchml;
    case SwitchAllocation::atp: return ina::PolicyKind::atp;
    case SwitchAllocation::esa: return ina::PolicyKind::esa;
  }
  return ina::PolicyKind::esa;
}

}  // namespace

InaRun::InaRun(RunContext& c, TrainingState& t, const InaSpec& s)
    : ctx(c), training(t), spec(s), run_salt_(mix(c.scenario.seed)), rng_(c.scenario.seed) {
  lossy_ = !ctx.link_loss.empty();
  std::map<std::string, SwitchState*> by_host;
  const auto& specs = training.workload.jobs;
  jobs.resize(specs.size());
  for (size_t j = 0; j < specs.size(); ++j) {
    if (specs[j].aggregation != AggregationKind::in_network) continue;
    auto& sw = by_host[specs[j].aggregation_switch];
    if (!sw) {
      switches.push_back(std::make_unique<SwitchState>());
      sw = switches.back().get();
      sw->host = specs[j].aggregation_switch;
      sw->policy = ina::make_policy(policy_kind(spec.allocation), {spec.aggregators, 0});
    }
    auto job = std::make_unique<InaJob>();
    job->job = j;
    job->spec = &specs[j];
    job->sw = sw;
    job->switch_ep = {sg4::Mailbox::by_name("ina-switch/" + sw->host), ctx.platform.host(sw->host)};
    job->ps = {sg4::Mailbox::by_name(fmt::format("ina-j{}/ps", j)), ctx.platform.host(specs[j].servers.at(0))};
    for (size_t w = 0; w < specs[j].workers.size(); ++w)
      job->workers.push_back({sg4::Mailbox::by_name(fmt::format("ina-j{}/w{}", j, w)), ctx.platform.host(specs[j].workers[w])});
    job->compressed = training.compressed.empty() ? nullptr : training.compressed[j].get();
    if (job->compressed && job->compressed->scheme().integer_sum()) {
      // An aggregator's registers (values_per_packet 32-bit words) hold the sums at the
      // scheme's downstream width, so one fragment carries that many coordinates.
      const CompressedJob& c = *job->compressed;
      const double coords = std::floor(spec.values_per_packet * 32.0 / c.spec().scheme.downstream_bits);
      job->fragments = std::uint64_t(std::ceil(c.coordinates() / coords));
      job->up_payload_bytes = coords * c.bits_up_per_coord() / 8;
      job->down_payload_bytes = coords * c.bits_down_per_coord() / 8;
    } else {
      job->fragments = std::uint64_t(std::ceil(specs[j].gradient_bytes / spec.payload_bytes()));
      job->up_payload_bytes = job->down_payload_bytes = spec.payload_bytes();
    }
    job->up_packet_bytes = job->up_payload_bytes + spec.header_bytes;
    job->down_packet_bytes = job->down_payload_bytes + spec.header_bytes;
    jobs[j] = std::move(job);
  }
  for (auto& sw : switches) {
    Endpoint self{sg4::Mailbox::by_name("ina-switch/" + sw->host), ctx.platform.host(sw->host)};
    sg4::Actor::create("ina-switch-" + sw->host, self.host, [this, s = sw.get(), self] { switch_service(*this, *s, self); });
  }
}

// A job's fragments map one-to-one onto a window of aggregators_per_job consecutive
// aggregators at a random offset, so a job never collides with itself (while the window fits
// in memory) and jobs collide where their windows overlap.
std::uint32_t InaRun::aggregator_index(std::uint32_t job, std::uint64_t seq) const {
  const std::uint64_t offset = mix(run_salt_ ^ job) % spec.aggregators;
  return std::uint32_t((offset + seq % spec.aggregators_per_job) % spec.aggregators);
}

bool InaRun::delivered(const sg4::Host* src, const sg4::Host* dst) {
  if (!lossy_) return true;
  auto [it, fresh] = delivery_.try_emplace({src, dst}, 1.0);
  if (fresh) it->second = ctx.delivery_probability(src, dst);
  return it->second >= 1.0 || uniform_(rng_) < it->second;
}

void InaRun::submit(size_t j) {
  if (!try_start(j)) waiting_.push_back(j);
}

bool InaRun::try_start(size_t j) {
  InaJob& job = *jobs[j];
  // SwitchML reserves a pool; without one the job waits, or aggregates at its PS (host path).
  if (!job.sw->policy->admit(std::uint32_t(j), spec.switchml_pool) && !spec.switchml_host_path) return false;
  const std::string& name = job.spec->name;
  for (std::uint32_t w = 0; w < job.workers.size(); ++w) {
    job.worker_to_switch.push_back(std::make_unique<Port<SwitchMessage>>(ctx, job.workers[w].host, job.switch_ep,
                                                                          fmt::format("{}-w{}-port", name, w)));
    job.switch_to_worker.push_back(std::make_unique<Port<Results>>(ctx, job.switch_ep.host, job.workers[w],
                                                                    fmt::format("{}-switch-to-w{}", name, w)));
  }
  job.ps_to_switch = std::make_unique<Port<SwitchMessage>>(ctx, job.ps.host, job.switch_ep, name + "-ps-port");
  job.switch_to_ps = std::make_unique<Port<ToPs>>(ctx, job.switch_ep.host, job.ps, name + "-switch-to-ps");
  training.jobs[j].start_s = sg4::Engine::get_clock();
  job.counters.admission_wait_s = training.jobs[j].start_s - job.spec->arrival_s;
  sg4::Actor::create(fmt::format("{}-ps", job.spec->name), job.ps.host, [this, &job] { ina_server(*this, job); });
  if (job.compressed && job.compressed->agreement_bytes() > 0)
    sg4::Actor::create(fmt::format("{}-agree", job.spec->name), job.ps.host, [this, &job] {
      scale_agreement_service(ctx, job.job, job.workers.size(), job.spec->iterations, job.compressed->agreement_bytes());
    });
  for (std::uint32_t w = 0; w < job.workers.size(); ++w)
    sg4::Actor::create(fmt::format("{}-w{}", job.spec->name, w), job.workers[w].host,
                       [this, &job, w] { ina_worker(*this, job, w); });
  return true;
}

void InaRun::job_finished(size_t j) {
  JobRecord& r = training.jobs[j];
  r.finish_s = sg4::Engine::get_clock();
  ++training.jobs_finished;
  jobs[j]->sw->policy->release(std::uint32_t(j));
  // Admit waiting SwitchML jobs in arrival order, each as soon as a pool fits.
  std::vector<size_t> still;
  for (size_t w : waiting_)
    if (jobs[w]->sw != jobs[j]->sw || !try_start(w)) still.push_back(w);
  waiting_ = std::move(still);
}

}  // namespace cs::ina_sim
