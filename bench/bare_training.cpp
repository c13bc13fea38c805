// bare_training: the baseline of bench/engine_overhead.sh. A plain SimGrid program that builds
// the platform clustersim builds for a star scenario and runs the same data-parallel actors as
// sim/training/data_parallel.cpp, with none of clustersim's layers (no scenario validation, no
// traffic accounting, no iteration records, no progress callback, no result files).
//
// It reads the job list from the same scenario file, so both programs simulate one workload;
// reading the file is not an engine cost. Only the subset that the benchmark scenario uses is
// understood: a star topology, explicit worker / server host lists ("host[0-6]" ranges),
// "gradient_size" rather than "model", no traces, no energy, no overrides.
//
//   bare_training [--log=...] SCENARIO.json
// prints "makespan_s <seconds>" and "activities <messages + executions>".
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace sg4 = simgrid::s4u;
using json = nlohmann::json;

namespace {

// ---- reading the scenario (not timed as engine work, but it is in the process's wall time,
// as clustersim's loading is in its own) ----

double quantity(const std::string& text) {
  struct Unit {
    const char* symbol;
    double factor;
  };
  // The units of models/core/units.cpp that a star training scenario uses, in SI units
  // (bandwidth in bits per second, as in the scenario; converted to bytes below).
  static const Unit units[] = {{"B", 1},       {"kB", 1e3},      {"KB", 1e3},    {"MB", 1e6},   {"GB", 1e9},
                               {"TB", 1e12},   {"KiB", 1024.0},  {"MiB", 1048576.0}, {"GiB", 1073741824.0},
                               {"ns", 1e-9},   {"us", 1e-6},     {"ms", 1e-3},   {"s", 1},      {"min", 60},
                               {"bps", 1},     {"kbps", 1e3},    {"Kbps", 1e3},  {"Mbps", 1e6}, {"Gbps", 1e9},
                               {"Tbps", 1e12}, {"f", 1},         {"kf", 1e3},    {"Mf", 1e6},   {"Gf", 1e9},
                               {"Tf", 1e12},   {"Pf", 1e15}};
  size_t end = 0;
  double number = std::stod(text, &end);
  std::string symbol = text.substr(end);
  symbol.erase(0, symbol.find_first_not_of(' '));
  for (const Unit& u : units)
    if (symbol == u.symbol) return number * u.factor;
  throw std::runtime_error("unsupported quantity \"" + text + "\"");
}

std::vector<std::string> host_names(const json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) {
    std::string p = item.get<std::string>();
    auto open = p.find('['), dash = p.find('-', open), close = p.find(']');
    if (open == std::string::npos) {
      out.push_back(p);
      continue;
    }
    int lo = std::stoi(p.substr(open + 1, dash - open - 1)), hi = std::stoi(p.substr(dash + 1, close - dash - 1));
    for (int i = lo; i <= hi; ++i) out.push_back(p.substr(0, open) + std::to_string(i));
  }
  return out;
}

struct Job {
  std::string name;
  double gradient_bytes;
  std::vector<std::string> workers, servers;
  bool ring;
  long long iterations;
  double compute_s, arrival_s;
  // Filled while running.
  size_t workers_done = 0;
  double finish_s = -1;
};

struct Star {
  int hosts;
  double speed_flops, bandwidth_bps, latency_s, tcp_window_bytes = 4194304;
  int cores;
};

void read_scenario(const std::string& file, Star& star, std::vector<Job>& jobs) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read it");
  json doc = json::parse(in, nullptr, true, /*ignore_comments=*/true);
  const json& p = doc.at("platform");
  if (p.at("topology") != "star" || p.value("network_model", "LV08") != "CM02")
    throw std::runtime_error("only a CM02 star is supported");
  star.hosts = p.at("hosts").get<int>();
  star.speed_flops = quantity(p.at("host").at("speed").get<std::string>());
  star.cores = p.at("host").value("cores", 1);
  star.bandwidth_bps = quantity(p.at("link").at("bandwidth").get<std::string>());
  star.latency_s = p.at("link").contains("latency") ? quantity(p.at("link").at("latency").get<std::string>()) : 0.0;
  if (p.contains("tcp_window")) star.tcp_window_bytes = quantity(p.at("tcp_window").get<std::string>());
  for (const auto& j : doc.at("workload").at("jobs")) {
    Job job;
    job.name = j.at("name").get<std::string>();
    job.gradient_bytes = quantity(j.at("gradient_size").get<std::string>());
    job.workers = host_names(j.at("workers"));
    job.ring = j.value("aggregation", "ps") == "ring";
    if (!job.ring) job.servers = host_names(j.at("servers"));
    job.iterations = j.at("iterations").get<long long>();
    job.compute_s = quantity(j.at("compute").get<std::string>());
    job.arrival_s = j.contains("arrival") ? quantity(j.at("arrival").get<std::string>()) : 0.0;
    jobs.push_back(std::move(job));
  }
}

// ---- the simulation: platform as sim/platform/build.cpp, actors as data_parallel.cpp ----

std::vector<sg4::Host*> build_star(const Star& star) {
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/TCP-gamma", star.tcp_window_bytes);
  sg4::Engine::set_config("network/crosstraffic", false);
  auto* zone = sg4::create_dijkstra_zone("star", true);
  // Node order of cs::make_star: the switch (1 Tf, 1 core), then host0..hostN-1.
  std::vector<sg4::Host*> hosts{zone->create_host("switch", 1e12)->set_core_count(1)->seal()};
  for (int i = 0; i < star.hosts; ++i)
    hosts.push_back(zone->create_host("host" + std::to_string(i), star.speed_flops)->set_core_count(star.cores)->seal());
  for (int i = 0; i < star.hosts; ++i) {
    sg4::Host* h = hosts[size_t(i) + 1];
    auto* link = zone->create_split_duplex_link(h->get_name() + "-switch", star.bandwidth_bps / 8.0);
    link->set_latency(star.latency_s);
    link->seal();
    zone->add_route(h->get_netpoint(), hosts[0]->get_netpoint(), nullptr, nullptr,
                    {sg4::LinkInRoute(link, sg4::LinkInRoute::Direction::UP)}, true);
  }
  zone->seal();
  return hosts;
}

struct Message {
  size_t from;
  long long iteration;
};

struct Endpoint {
  sg4::Mailbox* mailbox;
  sg4::Host* host;
};

// Mailbox "j<job>/w<rank>" or "j<job>/ps<shard>", as data_parallel.cpp names them.
sg4::Mailbox* mailbox(size_t index, const char* role, size_t rank) {
  std::string name = "j";
  name.append(std::to_string(index)).append("/").append(role).append(std::to_string(rank));
  return sg4::Mailbox::by_name(name);
}
Endpoint worker_of(const Job& job, size_t index, size_t rank) {
  return {mailbox(index, "w", rank), sg4::Host::by_name(job.workers[rank])};
}
Endpoint server_of(const Job& job, size_t index, size_t shard) {
  return {mailbox(index, "ps", shard), sg4::Host::by_name(job.servers[shard])};
}

unsigned long long activities = 0;  // messages sent + executions

void compute(double seconds) {
  if (seconds <= 0) return;
  ++activities;
  sg4::this_actor::execute(seconds * sg4::this_actor::get_host()->get_speed());
}

void worker_done(Job& job) {
  if (++job.workers_done == job.workers.size()) job.finish_s = sg4::Engine::get_clock();
}

void ps_worker(Job& job, size_t index, size_t rank) {
  Endpoint self = worker_of(job, index, rank);
  std::vector<Endpoint> servers;
  for (size_t s = 0; s < job.servers.size(); ++s) servers.push_back(server_of(job, index, s));
  const double shard_bytes = job.gradient_bytes / double(servers.size());
  std::vector<Message*> results(servers.size());
  for (long long it = 0; it < job.iterations; ++it) {
    compute(job.compute_s);
    std::vector<sg4::CommPtr> comms;
    for (const auto& s : servers) {
      ++activities;
      comms.push_back(s.mailbox->put_async(new Message{rank, it}, shard_bytes));
    }
    for (auto& r : results) comms.push_back(self.mailbox->get_async<Message>(&r));
    sg4::Comm::wait_all(comms);
    for (auto* r : results) delete r;
  }
  worker_done(job);
}

void ps_server(Job& job, size_t index, size_t shard) {
  Endpoint self = server_of(job, index, shard);
  std::vector<Endpoint> workers;
  for (size_t w = 0; w < job.workers.size(); ++w) workers.push_back(worker_of(job, index, w));
  const double shard_bytes = job.gradient_bytes / double(job.servers.size());
  std::vector<Message*> pushed(workers.size());
  for (long long it = 0; it < job.iterations; ++it) {
    std::vector<sg4::CommPtr> comms;
    for (auto& p : pushed) comms.push_back(self.mailbox->get_async<Message>(&p));
    sg4::Comm::wait_all(comms);
    for (auto* p : pushed) delete p;
    comms.clear();
    for (const auto& w : workers) {
      ++activities;
      comms.push_back(w.mailbox->put_async(new Message{shard, it}, shard_bytes));
    }
    sg4::Comm::wait_all(comms);
  }
}

void ring_worker(Job& job, size_t index, size_t rank) {
  const size_t n = job.workers.size();
  Endpoint self = worker_of(job, index, rank), next = worker_of(job, index, (rank + 1) % n);
  const double chunk_bytes = job.gradient_bytes / double(n);
  for (long long it = 0; it < job.iterations; ++it) {
    compute(job.compute_s);
    for (size_t step = 0; step < 2 * (n - 1); ++step) {
      Message* received = nullptr;
      ++activities;
      auto out = next.mailbox->put_async(new Message{rank, it}, chunk_bytes);
      auto in = self.mailbox->get_async<Message>(&received);
      out->wait();
      in->wait();
      delete received;
    }
  }
  worker_done(job);
}

void start_job(Job& job, size_t index) {
  for (size_t w = 0; w < job.workers.size(); ++w)
    sg4::Actor::create(job.name + "-w" + std::to_string(w), sg4::Host::by_name(job.workers[w]), [&job, index, w] {
      if (job.ring) ring_worker(job, index, w);
      else ps_worker(job, index, w);
    });
  for (size_t s = 0; s < job.servers.size(); ++s)
    sg4::Actor::create(job.name + "-ps" + std::to_string(s), sg4::Host::by_name(job.servers[s]),
                       [&job, index, s] { ps_server(job, index, s); });
}

}  // namespace

int main(int argc, char** argv) {
  // As clustersim: quiet SimGrid before it prints anything.
  std::vector<char*> args{argv[0], const_cast<char*>("--log=root.thres:warning")};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  int sg_argc = int(args.size());
  args.push_back(nullptr);
  sg4::Engine engine(&sg_argc, args.data());
  if (sg_argc != 2) {
    std::fprintf(stderr, "usage: %s SCENARIO.json\n", argv[0]);
    return 2;
  }
  Star star{};
  std::vector<Job> jobs;
  try {
    read_scenario(args[1], star, jobs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bare_training: %s: %s\n", args[1], e.what());
    return 2;
  }

  std::vector<sg4::Host*> hosts = build_star(star);
  std::vector<size_t> order(jobs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return jobs[a].arrival_s < jobs[b].arrival_s; });
  sg4::Actor::create("job-launcher", hosts.front(), [&jobs, order] {
    for (size_t j : order) {
      sg4::this_actor::sleep_until(jobs[j].arrival_s);
      start_job(jobs[j], j);
    }
  });
  engine.run();

  double makespan = 0;
  for (const auto& j : jobs) makespan = std::max(makespan, j.finish_s);
  std::printf("makespan_s %.17g\nactivities %llu\n", makespan, activities);
  return 0;
}
