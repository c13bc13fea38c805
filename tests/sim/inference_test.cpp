// The inference workload end to end: arrivals, the camera link's pipelining and queueing,
// HawkVision's routing and its timing invariants, the baselines, the camera transport, sample
// ids, determinism, INFaaS's model swaps, arrival traces and energy. Every run uses the small
// test profiles and a per-sample outcomes CSV (tests/sim/data/inference/, or one a test writes),
// so no proxy is trained.
#include <gtest/gtest.h>

#include "fixtures/edge_dc.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "sim_fixture.hpp"

namespace cs {
namespace {

using nlohmann::json;

const std::string data_dir = std::string(CLUSTERSIM_SOURCE_DIR) + "/tests/sim/data/inference/";

// Relative paths in the scenarios (profiles, outcomes, traces) resolve against data_dir.
testing::SimResult run(const json& scenario) { return testing::simulate(scenario, data_dir + "test.json"); }

// SimGrid ends a sleep or an execution within its surf/precision (1e-9 s) of the exact time, so
// its clock and the times the actors compute exactly can disagree by that much.
constexpr double simgrid_precision = 1e-8;

double metric(const testing::SimResult& r, const char* name) { return r.metrics.at(name).get<double>(); }

// 8 cameras (Poisson, 50 frames/s each, 20 s) on 2 edges, one DC server batching up to 4;
// three accuracy tiers between the edge model's accuracy and the DC model's.
json scenario(const std::string& system) {
  return {{"name", "inference_test"},
          {"seed", 1},
          {"platform", testing::edge_dc_test_platform(8, 2, 1)},
          {"workload",
           {{"kind", "inference"},
            {"system", system},
            {"duration", "20s"},
            {"arrivals", {{"process", "poisson"}, {"rate", "50/s"}}},
            {"tiers", json::array({{{"accuracy", 0.7}}, {{"accuracy", 0.8}}, {{"accuracy", 0.88}}})},
            {"frame", {{"size", "14000B"}, {"packet", "1400B"}}},  // 10 packets
            {"edge", {{"device", "test_edge"}}},
            {"dc", {{"device", "test_gpu"}, {"max_batch", 4}}},
            {"models", {{"source", "csv"}, {"file", "outcomes.csv"}, {"edge", "small"}, {"dc", "large"}}},
            {"profiles", {{"devices", "devices.json"}, {"models", "models.json"}}}}},
          {"outputs", {{"links_csv", false}, {"hosts_csv", false}}}};
}

// A CSV table with its empty cells kept (a request not forwarded has no DC times).
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  explicit Csv(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    header = split(line);
    while (std::getline(in, line))
      if (!line.empty()) rows.push_back(split(line));
  }
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out(1);
    for (char c : line) {
      if (c == ',') out.emplace_back();
      else out.back() += c;
    }
    return out;
  }
  size_t column(const std::string& name) const {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error("no column " + name);
    return size_t(it - header.begin());
  }
  size_t size() const { return rows.size(); }
  const std::string& text(size_t row, const std::string& name) const { return rows.at(row).at(column(name)); }
  bool has(size_t row, const std::string& name) const { return !text(row, name).empty(); }
  double num(size_t row, const std::string& name) const { return std::stod(text(row, name)); }
};

// The outcomes CSV's splits, as the simulator reads them: requests draw from `test`.
struct Sample {
  float confidence;
  bool edge_correct, dc_correct;
};
struct Outcomes {
  std::vector<Sample> validation, test;
  std::vector<std::string> test_ids;  // the CSV's sample_id of each test sample
  static double accuracy(const std::vector<Sample>& split, bool edge) {
    double correct = 0;
    for (const auto& s : split) correct += edge ? s.edge_correct : s.dc_correct;
    return correct / double(split.size());
  }
  static double cascade_accuracy(const std::vector<Sample>& split, double threshold) {
    double correct = 0;
    for (const auto& s : split) correct += double(s.confidence) >= threshold ? s.edge_correct : s.dc_correct;
    return correct / double(split.size());
  }
  static double edge_share(const std::vector<Sample>& split, double threshold) {
    double n = 0;
    for (const auto& s : split) n += double(s.confidence) >= threshold;
    return n / double(split.size());
  }
};

Outcomes read_outcomes() {
  std::ifstream in(data_dir + "outcomes.csv");
  Outcomes o;
  std::string line;
  bool header = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      header = true;
      continue;
    }
    auto cells = Csv::split(line);
    Sample s{std::stof(cells.at(1)), cells.at(2) == "1", cells.at(3) == "1"};
    (cells.at(4) == "val" ? o.validation : o.test).push_back(s);
    if (cells.at(4) != "val") o.test_ids.push_back(cells.at(0));
  }
  return o;
}

// Binomial tolerance: 4 standard errors of a share p estimated from n draws.
double four_sigma(double p, double n) { return 4 * std::sqrt(p * (1 - p) / n); }

TEST(Inference, PoissonArrivalsAreAllAnsweredAtTheOfferedRate) {
  auto r = run(scenario("hawkvision"));
  const double n = metric(r, "requests"), expected = 8 * 50 * 20;
  EXPECT_NEAR(n, expected, 4 * std::sqrt(expected));
  EXPECT_EQ(metric(r, "requests_answered"), n);
  Csv req(r.csv.at("requests"));
  ASSERT_EQ(double(req.size()), n);
  std::map<std::string, int> per_camera;
  for (size_t i = 0; i < req.size(); ++i) {
    EXPECT_TRUE(req.has(i, "answered_s")) << "request " << i;
    EXPECT_LT(req.num(i, "created_s"), 20.0);
    ++per_camera[req.text(i, "camera")];
  }
  ASSERT_EQ(per_camera.size(), 8u);
  for (const auto& [camera, count] : per_camera) EXPECT_NEAR(count, 1000, 4 * std::sqrt(1000.0)) << "camera " << camera;
}

TEST(Inference, ConstantRateCamerasSendOneFramePerPeriodFromARandomPhase) {
  json s = scenario("hawkvision");
  s["platform"]["clients"] = 3;
  s["platform"]["edges"] = 1;
  const double rate = 7, duration = 10.05;  // 70.35 periods: 70 or 71 frames, by the phase
  s["workload"]["arrivals"] = {{"process", "constant"}, {"rate", "7/s"}};
  s["workload"]["duration"] = "10.05s";
  auto r = run(s);
  Csv req(r.csv.at("requests"));
  std::map<std::string, std::vector<double>> created;
  for (size_t i = 0; i < req.size(); ++i) created[req.text(i, "camera")].push_back(req.num(i, "created_s"));
  ASSERT_EQ(created.size(), 3u);
  std::set<double> phases;
  long long total = 0;
  for (auto& [camera, times] : created) {
    std::sort(times.begin(), times.end());
    // camera.cpp: the first frame at a uniform phase in [0, 1/rate), then one per period
    // while before the duration, so ceil((duration - phase) * rate) frames.
    const double phase = times.front();
    EXPECT_GE(phase, 0.0);
    EXPECT_LT(phase, 1 / rate);
    phases.insert(phase);
    EXPECT_EQ(double(times.size()), std::ceil((duration - phase) * rate)) << "camera " << camera << " phase " << phase;
    for (size_t k = 1; k < times.size(); ++k) EXPECT_NEAR(times[k] - times[k - 1], 1 / rate, 1e-9);
    EXPECT_LT(times.back(), duration);
    EXPECT_GE(times.back() + 1 / rate, duration - 1e-9);
    total += (long long)times.size();
  }
  EXPECT_EQ(phases.size(), 3u) << "cameras at one rate must not fire in lockstep";
  EXPECT_EQ(metric(r, "requests"), double(total));
  EXPECT_EQ(metric(r, "requests_answered"), double(total));
}

// Each camera's requests (row indices) in the order the camera made them.
std::map<std::string, std::vector<size_t>> per_camera_in_order(const Csv& req) {
  std::map<std::string, std::vector<size_t>> out;
  for (size_t i = 0; i < req.size(); ++i) out[req.text(i, "camera")].push_back(i);
  for (auto& [camera, rows] : out)
    std::sort(rows.begin(), rows.end(), [&](size_t a, size_t b) { return req.num(a, "created_s") < req.num(b, "created_s"); });
  return out;
}

// Frames far apart on a link with a long latency: a link pipelines, so each frame arrives one
// latency plus its transmission after it was sent, and the edge sees the camera's spacing. A
// stop-and-wait camera would space arrivals at least latency + transmission (21.12 ms) apart,
// twice the camera's period.
TEST(Inference, CameraLinkPipelinesFramesOneLatencyAfterTheyLeave) {
  json s = scenario("hawkvision");
  s["platform"]["clients"] = 4;
  s["platform"]["client_link"]["latency"] = "20ms";
  s["workload"]["arrivals"] = {{"process", "constant"}, {"rate", "100/s"}};
  s["workload"]["duration"] = "5s";
  s["outputs"]["links_csv"] = true;
  const double latency = 20e-3, transmission = 14000 / (100e6 / 8);  // 1.12 ms << the 10 ms period
  auto r = run(s);
  Csv req(r.csv.at("requests"));
  const auto cameras = per_camera_in_order(req);
  ASSERT_EQ(cameras.size(), 4u);
  Csv links(r.csv.at("links"));
  for (const auto& [camera, rows] : cameras) {
    SCOPED_TRACE("camera " + camera);
    ASSERT_GE(rows.size(), 499u);
    for (size_t k = 0; k < rows.size(); ++k) {
      const size_t i = rows[k];
      EXPECT_EQ(req.num(i, "sent_s"), req.num(i, "created_s")) << "request " << i << " queued on an idle link";
      EXPECT_NEAR(req.num(i, "edge_arrival_s") - req.num(i, "sent_s"), latency + transmission, 1e-9) << "request " << i;
      if (k > 0) {
        const size_t p = rows[k - 1];
        EXPECT_NEAR(req.num(i, "edge_arrival_s") - req.num(p, "edge_arrival_s"),
                    req.num(i, "created_s") - req.num(p, "created_s"), 1e-9) << "request " << i;
      }
    }
    // Every frame's bytes are counted on the camera's link, in its direction only (answers
    // take their last hop analytically).
    const std::string client = "client" + camera, edge = "edge" + std::to_string(std::stoi(camera) % 2);
    int directions = 0;
    for (size_t l = 0; l < links.size(); ++l) {
      const std::string from = links.text(l, "from"), to = links.text(l, "to");
      if (from == client && to == edge) {
        EXPECT_EQ(links.num(l, "bytes"), 14000.0 * double(rows.size()));
        ++directions;
      } else if (from == edge && to == client) {
        EXPECT_EQ(links.num(l, "bytes"), 0.0);
        ++directions;
      }
    }
    EXPECT_EQ(directions, 2);
  }
}

// Poisson frames at 90% of the camera link's capacity: frames queue behind each other, and each
// one's transmission ends exactly where a FIFO at the link's rate puts it, computed here from the
// created times alone: d_i = max(created_i, d_{i-1}) + size / bandwidth; arrival = d_i + latency.
TEST(Inference, FramesQueueOnTheCameraLinkAsInAFifoAtItsRate) {
  json s = scenario("edge_only");
  s["platform"]["clients"] = 2;
  s["platform"]["client_link"] = {{"bandwidth", "10Mbps"}, {"latency", "5ms"}};
  s["workload"]["arrivals"]["rate"] = "80/s";
  s["workload"]["duration"] = "20s";
  const double bandwidth = 10e6 / 8, latency = 5e-3, transmission = 14000 / bandwidth;  // 11.2 ms: rho = 0.896
  auto r = run(s);
  Csv req(r.csv.at("requests"));
  const auto cameras = per_camera_in_order(req);
  ASSERT_EQ(cameras.size(), 2u);
  for (const auto& [camera, rows] : cameras) {
    SCOPED_TRACE("camera " + camera);
    ASSERT_GT(rows.size(), 1000u);
    double departure = 0;  // d_{i-1}
    size_t queued = 0;
    for (size_t i : rows) {
      const double created = req.num(i, "created_s"), start = std::max(created, departure);
      queued += start > created;
      departure = start + transmission;
      EXPECT_EQ(req.num(i, "sent_s"), start) << "request " << i;
      EXPECT_NEAR(req.num(i, "edge_arrival_s"), departure + latency, 1e-9) << "request " << i;
    }
    // An M/D/1 arrival finds the link busy with probability rho (0.896): queueing was exercised.
    EXPECT_GT(double(queued), 0.5 * double(rows.size()));
  }
}

// The reliable transport on a loaded link: one-packet frames (any loss is a tail loss, recovered
// only by timeouts, so a frame's stall is rto * (2^timeouts - 1) and it retransmits once per
// timeout), 5% loss. Each frame takes the link for its bytes including retransmissions, arrives
// one latency after, is delivered after its stall, and never before the frame ahead of it.
TEST(Inference, ReliableFramesQueueOnTheLinkStallAndArriveInOrder) {
  json s = scenario("edge_only");
  s["platform"]["clients"] = 2;
  s["platform"]["client_link"] = {{"bandwidth", "1Mbps"}, {"latency", "5ms"}, {"loss_rate", 0.05}};
  s["workload"]["arrivals"]["rate"] = "70/s";
  s["workload"]["duration"] = "20s";
  s["workload"]["frame"] = {{"size", "1400B"}, {"packet", "1400B"}, {"transport", "reliable"}, {"rto", "50ms"}};
  const double bandwidth = 1e6 / 8, latency = 5e-3, rto = 50e-3;  // 11.2 ms a packet: rho = 0.78 before losses
  auto r = run(s);
  Csv req(r.csv.at("requests"));
  const auto cameras = per_camera_in_order(req);
  ASSERT_EQ(cameras.size(), 2u);
  long long timeouts = 0, held = 0, queued = 0;
  for (const auto& [camera, rows] : cameras) {
    SCOPED_TRACE("camera " + camera);
    ASSERT_GT(rows.size(), 1000u);
    double departure = 0, delivery = 0, previous = 0;
    for (size_t i : rows) {
      const double created = req.num(i, "created_s"), start = std::max(created, departure);
      const int t = int(req.num(i, "timeouts"));
      EXPECT_EQ(req.num(i, "retransmissions"), t) << "request " << i;
      EXPECT_EQ(req.num(i, "lost_packets"), 0) << "request " << i;
      queued += start > created;
      departure = start + 1400 * (1 + t) / bandwidth;
      const double arrival = departure + latency, stalled = arrival + rto * (std::ldexp(1.0, t) - 1);
      held += delivery > stalled;
      delivery = std::max(stalled, delivery);
      timeouts += t;
      EXPECT_EQ(req.num(i, "sent_s"), start) << "request " << i;
      EXPECT_NEAR(req.num(i, "edge_arrival_s"), delivery, 1e-9) << "request " << i;
      EXPECT_GE(req.num(i, "edge_arrival_s"), previous) << "request " << i << " overtook the frame ahead of it";
      previous = req.num(i, "edge_arrival_s");
    }
  }
  // Losses, queueing and head-of-line blocking were all exercised.
  EXPECT_GT(timeouts, 50);
  EXPECT_GT(queued, 1000);
  EXPECT_GT(held, 50);
}

// The large model's DC latency at batch b (models.json, linear between profiled points).
double large_dc_latency(int b) {
  const std::map<int, double> points{{1, 2e-3}, {2, 2.5e-3}, {4, 3.5e-3}, {8, 5e-3}};
  auto hi = points.lower_bound(b);
  if (hi->first == b) return hi->second;
  auto lo = std::prev(hi);
  return lo->second + (hi->second - lo->second) * double(b - lo->first) / double(hi->first - lo->first);
}

TEST(Inference, HawkVisionRoutesByConfidenceAndTimesEveryStageInOrder) {
  auto r = run(scenario("hawkvision"));
  const Outcomes outcomes = read_outcomes();
  Csv req(r.csv.at("requests"));
  ASSERT_GT(req.size(), 1000u);
  const std::vector<std::string> stages{"created_s",    "sent_s",      "edge_arrival_s", "edge_start_s",
                                        "edge_end_s",   "dc_arrival_s", "dc_start_s",    "dc_end_s"};
  long long at_edge = 0, at_dc = 0, batched = 0;
  // (dc server, batch start) -> the requests of that batch.
  std::map<std::pair<std::string, double>, std::vector<size_t>> batches;
  std::map<std::string, std::vector<std::pair<double, double>>> edge_busy;  // per edge: service intervals
  for (size_t i = 0; i < req.size(); ++i) {
    SCOPED_TRACE("request " + std::to_string(i));
    const std::string where = req.text(i, "answered_at");
    ASSERT_TRUE(where == "edge" || where == "dc");
    const Sample& sample = outcomes.test.at(size_t(req.num(i, "sample")));
    EXPECT_EQ(req.text(i, "sample_id"), outcomes.test_ids.at(size_t(req.num(i, "sample"))));

    // The edge model runs on every request (each tier has a finite threshold here).
    ASSERT_TRUE(req.has(i, "confidence") && req.has(i, "threshold"));
    EXPECT_EQ(req.text(i, "edge_model"), "small");
    const float confidence = std::stof(req.text(i, "confidence"));
    EXPECT_EQ(confidence, sample.confidence);  // the sample's own confidence from the CSV
    // Thresholds are confidences (floats) widened to double: compare as the simulator does.
    const bool confident = double(confidence) >= req.num(i, "threshold");
    EXPECT_EQ(where == "edge", confident) << "confidence " << confidence << " threshold " << req.text(i, "threshold");
    EXPECT_EQ(req.text(i, "correct") == "1", where == "edge" ? sample.edge_correct : sample.dc_correct);

    const double created = req.num(i, "created_s"), answered = req.num(i, "answered_s");
    // A camera sleeps until a frame's creation, which SimGrid may end up to its precision early.
    EXPECT_LE(created, req.num(i, "sent_s") + simgrid_precision);
    EXPECT_LE(req.num(i, "sent_s"), req.num(i, "edge_arrival_s"));
    EXPECT_LE(req.num(i, "edge_arrival_s"), req.num(i, "edge_start_s"));
    EXPECT_NEAR(req.num(i, "edge_end_s") - req.num(i, "edge_start_s"), 1e-3, 1e-12);  // small at the edge: 1 ms
    edge_busy[req.text(i, "edge")].push_back({req.num(i, "edge_start_s"), req.num(i, "edge_end_s")});
    if (where == "edge") {
      ++at_edge;
      for (const char* c : {"dc_server", "dc_model", "dc_arrival_s", "dc_start_s", "dc_end_s"}) EXPECT_FALSE(req.has(i, c)) << c;
      EXPECT_EQ(req.num(i, "dc_batch"), 0);
    } else {
      ++at_dc;
      EXPECT_EQ(req.text(i, "dc_model"), "large");
      const double arrival = req.num(i, "dc_arrival_s"), start = req.num(i, "dc_start_s"), end = req.num(i, "dc_end_s");
      EXPECT_GE(arrival, req.num(i, "edge_end_s"));
      EXPECT_GE(start, arrival);
      EXPECT_GE(end, start);
      const int batch = int(req.num(i, "dc_batch"));
      EXPECT_GE(batch, 1);
      EXPECT_LE(batch, 4);  // max_batch
      batched += batch > 1;
      EXPECT_NEAR(end - start, large_dc_latency(batch), 1e-9) << "batch " << batch;
      batches[{req.text(i, "dc_server"), start}].push_back(i);
    }
    for (const auto& stage : stages)
      if (req.has(i, stage)) {
        EXPECT_GE(answered, req.num(i, stage)) << stage;
      }
    EXPECT_EQ(req.num(i, "latency_s"), answered - created);
  }
  // Both paths and real batches were exercised.
  EXPECT_GT(at_edge, 100);
  EXPECT_GT(at_dc, 100);
  EXPECT_GT(batched, 10);
  EXPECT_NEAR(metric(r, "share_at_edge"), double(at_edge) / double(req.size()), 1e-12);
  // A batch is the requests that started together on one server, as many as dc_batch says,
  // and a server runs one batch at a time.
  std::map<std::string, double> last_end;
  for (const auto& [key, ids] : batches) {
    for (size_t id : ids) EXPECT_EQ(req.num(id, "dc_batch"), double(ids.size()));
    auto [it, fresh] = last_end.try_emplace(key.first, 0.0);
    EXPECT_GE(key.second, it->second - simgrid_precision) << "overlapping batches on " << key.first;
    it->second = req.num(ids.front(), "dc_end_s");
  }
  // An edge runs one request at a time.
  for (auto& [edge, intervals] : edge_busy) {
    std::sort(intervals.begin(), intervals.end());
    for (size_t k = 1; k < intervals.size(); ++k) EXPECT_GE(intervals[k].first, intervals[k - 1].second - simgrid_precision) << edge;
  }
}

// A user's outcomes CSV with its own sample ids (strings, in no order, splits interleaved):
// each request reports the id of the row it drew, and that row's confidence and correctness
// are the request's.
TEST(Inference, RequestsNameTheirSampleByTheUsersSampleId) {
  struct Row {
    float confidence;
    bool edge_correct, dc_correct;
  };
  std::map<std::string, Row> rows;
  std::vector<std::string> test_ids;  // in file order: request sample k is the k-th
  const std::string path = ::testing::TempDir() + fmt::format("sample_ids_{}.csv", ::getpid());
  {
    std::ofstream out(path);
    out << "sample_id,edge_confidence,edge_correct,dc_correct,split\n";
    for (int i = 0; i < 600; ++i) {
      const std::string id = fmt::format("cam-{:03}", (i * 919) % 1000);  // 919 is prime to 1000: unique
      const double confidence = double((i * 37) % 101) / 100;
      const bool edge_correct = confidence >= 0.5, dc_correct = i % 10 != 0;
      const bool validation = i % 3 == 0;
      out << fmt::format("{},{},{},{},{}\n", id, confidence, edge_correct ? 1 : 0, dc_correct ? 1 : 0,
                         validation ? "val" : "test");
      rows[id] = {float(confidence), edge_correct, dc_correct};
      if (!validation) test_ids.push_back(id);
    }
  }
  json s = scenario("hawkvision");
  s["workload"]["duration"] = "5s";
  s["workload"]["tiers"] = json::array({{{"accuracy", 0.5}}});
  s["workload"]["models"]["file"] = path;  // absolute: not resolved against the scenario
  auto r = run(s);
  std::remove(path.c_str());
  Csv req(r.csv.at("requests"));
  ASSERT_GT(req.size(), 1000u);
  std::set<std::string> seen;
  for (size_t i = 0; i < req.size(); ++i) {
    SCOPED_TRACE("request " + std::to_string(i));
    const std::string id = req.text(i, "sample_id");
    EXPECT_EQ(id, test_ids.at(size_t(req.num(i, "sample"))));
    ASSERT_TRUE(rows.contains(id)) << id;
    const Row& row = rows.at(id);
    EXPECT_EQ(std::stof(req.text(i, "confidence")), row.confidence);
    EXPECT_EQ(req.text(i, "correct") == "1", req.text(i, "answered_at") == "edge" ? row.edge_correct : row.dc_correct);
    seen.insert(id);
  }
  // ~2,000 draws over 400 test samples: all but about 400 e^-5 = 3 are drawn.
  EXPECT_GT(seen.size(), 380u);
}

// Disabled: fails today. dc_server.cpp stamps dc_arrival_s when the server takes a request
// from its mailbox, which it only does between batches, so a request that arrives while a batch
// runs gets the next batch's start as its arrival: dc_arrival_s == dc_start_s for every request
// and the DC's queueing shows up as network time. A DC batch of more than one request can only
// form from requests that arrived while the server was busy (an idle server starts on the first
// arrival), so all but at most one of its requests arrived strictly before it started.
TEST(Inference, DcArrivalIsWhenTheFrameArrivesNotWhenTheServerTakesIt) {
  auto r = run(scenario("hawkvision"));
  Csv req(r.csv.at("requests"));
  std::map<double, std::vector<size_t>> batches;  // one DC server: batch start -> requests
  for (size_t i = 0; i < req.size(); ++i)
    if (req.has(i, "dc_start_s")) batches[req.num(i, "dc_start_s")].push_back(i);
  long long checked = 0;
  for (const auto& [start, ids] : batches) {
    if (ids.size() < 2) continue;
    ++checked;
    size_t waited = 0;
    for (size_t id : ids) waited += req.num(id, "dc_arrival_s") < start;
    EXPECT_GE(waited, ids.size() - 1) << "batch of " << ids.size() << " starting at " << start;
  }
  EXPECT_GT(checked, 10);
}

TEST(Inference, HawkVisionEdgeShareMatchesTheThresholdsValidationShare) {
  auto r = run(scenario("hawkvision"));
  const Outcomes outcomes = read_outcomes();
  for (int tier = 0; tier < 3; ++tier) {
    SCOPED_TRACE("tier " + std::to_string(tier));
    const std::string key = std::to_string(tier);
    const double threshold = r.cell("tiers", key, "threshold");
    const double validation_share = r.cell("tiers", key, "threshold_validation_edge_share");
    const double share = metric(r, fmt::format("tier{}_share_at_edge", tier).c_str());
    const double n = r.cell("tiers", key, "requests");
    ASSERT_GT(n, 1000);
    EXPECT_DOUBLE_EQ(share, r.cell("tiers", key, "share_at_edge"));
    // The validation share, recomputed from the CSV at the tier's threshold.
    EXPECT_NEAR(validation_share, Outcomes::edge_share(outcomes.validation, threshold), 1e-12);
    // Requests draw from the test split: the validation share estimates the requests' share
    // with the errors of both splits (2,000 samples each) and of the requests' draws.
    const double p = validation_share;
    EXPECT_NEAR(share, p, 4 * std::sqrt(p * (1 - p) * (1.0 / 2000 + 1.0 / 2000 + 1 / n)));
    // Tighter: against the test split's own share, only the draws' error remains.
    const double test_share = Outcomes::edge_share(outcomes.test, threshold);
    EXPECT_NEAR(share, test_share, four_sigma(test_share, n));
    // The tier's accuracy is the cascade's on the test split at that threshold.
    const double accuracy = Outcomes::cascade_accuracy(outcomes.test, threshold);
    EXPECT_NEAR(r.cell("tiers", key, "accuracy"), accuracy, four_sigma(accuracy, n));
    // Higher tiers get higher thresholds: fewer requests stay at the edge.
    if (tier > 0) {
      EXPECT_GE(threshold, r.cell("tiers", std::to_string(tier - 1), "threshold"));
    }
  }
}

TEST(Inference, DcOnlyAnswersEverythingInTheDcAndEdgeOnlyEverythingAtTheEdge) {
  const Outcomes outcomes = read_outcomes();
  const double edge_accuracy = Outcomes::accuracy(outcomes.test, true), dc_accuracy = Outcomes::accuracy(outcomes.test, false);
  {
    auto r = run(scenario("dc_only"));
    const double n = metric(r, "requests_answered");
    EXPECT_EQ(metric(r, "share_at_edge"), 0.0);
    Csv req(r.csv.at("requests"));
    for (size_t i = 0; i < req.size(); ++i) {
      EXPECT_EQ(req.text(i, "answered_at"), "dc");
      EXPECT_FALSE(req.has(i, "edge_start_s"));
      EXPECT_EQ(req.text(i, "dc_model"), "large");  // the only model meeting every tier
    }
    EXPECT_NEAR(metric(r, "accuracy"), dc_accuracy, four_sigma(dc_accuracy, n));
    EXPECT_EQ(r.cell("devices", "edge0", "requests"), 0);
  }
  {
    auto r = run(scenario("edge_only"));
    const double n = metric(r, "requests_answered");
    EXPECT_EQ(metric(r, "share_at_edge"), 1.0);
    EXPECT_NEAR(r.cell("variants", "small", "request_split_accuracy"), edge_accuracy, 1e-12);
    EXPECT_NEAR(metric(r, "accuracy"), edge_accuracy, four_sigma(edge_accuracy, n));
    EXPECT_EQ(r.cell("devices", "dc0", "requests"), 0);
    // The edge model (0.61) misses every tier (0.7 and up).
    EXPECT_EQ(metric(r, "tiers_accuracy_met"), 0);
    EXPECT_EQ(metric(r, "share_tier_met"), 0.0);
  }
}

TEST(Inference, ReliableTransportRetransmitsWhatLossyTransportLoses) {
  // 5% loss per packet on the camera links; 5 frames/s per camera keeps a reliable camera's
  // timeouts (~15% of frames lose one of their last 3 packets) from stalling it for good.
  json s = scenario("hawkvision");
  s["platform"]["client_link"]["loss_rate"] = 0.05;
  s["workload"]["arrivals"]["rate"] = "5/s";
  s["workload"]["duration"] = "100s";
  s["workload"]["frame"]["rto"] = "200ms";
  const double loss = 0.05, packets = 10, rto = 0.2;

  s["workload"]["frame"]["transport"] = "lossy";
  auto lossy = run(s);
  const double n_lossy = metric(lossy, "requests");
  EXPECT_NEAR(metric(lossy, "packets_lost_share"), loss, four_sigma(loss, n_lossy * packets));
  EXPECT_EQ(metric(lossy, "retransmissions"), 0);
  EXPECT_EQ(metric(lossy, "retransmission_timeouts"), 0);
  Csv req(lossy.csv.at("requests"));
  double lost = 0;
  for (size_t i = 0; i < req.size(); ++i) lost += req.num(i, "lost_packets");
  EXPECT_NEAR(lost / (n_lossy * packets), metric(lossy, "packets_lost_share"), 1e-12);

  s["workload"]["frame"]["transport"] = "reliable";
  auto reliable = run(s);
  const double n_reliable = metric(reliable, "requests");
  EXPECT_EQ(metric(reliable, "requests_answered"), n_reliable);
  EXPECT_EQ(metric(reliable, "packets_lost_share"), 0.0);
  // Every lost transmission is sent again: retransmissions per packet are geometric, mean
  // p / (1 - p), variance p / (1 - p)^2.
  const double per_packet = loss / (1 - loss);
  EXPECT_NEAR(metric(reliable, "retransmissions") / (n_reliable * packets), per_packet,
              4 * std::sqrt(loss / ((1 - loss) * (1 - loss)) / (n_reliable * packets)));
  EXPECT_GT(metric(reliable, "retransmission_timeouts"), 0);
  // Tail losses wait for the timeout: the P99 is at least the RTO, far above the lossy one.
  EXPECT_GE(metric(reliable, "latency_p99_s"), rto);
  EXPECT_LT(metric(lossy, "latency_p99_s"), rto / 4);
  // The frames' retransmitted bytes cross the camera links too.
  EXPECT_GT(metric(reliable, "network_payload_bytes"), metric(lossy, "network_payload_bytes") * n_reliable / n_lossy);
}

TEST(Inference, SameSeedGivesIdenticalResultsAndAnotherSeedOtherRequests) {
  json s = scenario("hawkvision");
  s["workload"]["duration"] = "5s";
  auto a = run(s), b = run(s);
  EXPECT_EQ(a.metrics.dump(), b.metrics.dump());
  ASSERT_TRUE(a.csv.contains("requests"));
  EXPECT_EQ(a.csv.at("requests"), b.csv.at("requests"));
  EXPECT_EQ(a.csv, b.csv);
  s["seed"] = s["seed"].get<int>() + 1;
  auto c = run(s);
  EXPECT_NE(a.csv.at("requests"), c.csv.at("requests"));
}

// INFaaS over the two variants: tier 0 (accuracy 0.55, deadline 4 ms) is met by "small" (1 ms,
// 2 ms to load) but not by "large" (5 ms at the edge, over the deadline even when resident);
// tier 1 (0.8) only by "large" (50 ms to load). With room for one of them (45 MB for 10 + 40
// MB) every change of tier on an edge is a swap; with ample memory each edge loads each once.
json infaas(const std::string& memory) {
  json s = scenario("infaas");
  s["platform"]["clients"] = 4;
  s["workload"]["arrivals"]["rate"] = "5/s";
  s["workload"]["tiers"] = json::array({{{"accuracy", 0.55}, {"deadline", "4ms"}}, {{"accuracy", 0.8}}});
  s["workload"]["edge"]["memory"] = memory;
  return s;
}

// The timeline shows every model load as a span of its load time on the edge that paid it.
TEST(Inference, TheTraceShowsEachModelLoadAsASpanOfItsLoadTime) {
  const json s = infaas("45MB");
  const json j = testing::run_in_child([&] {
    RunOutput out = run_simulation(parse_scenario(s, data_dir + "test.json"), {}, true);
    return json{{"trace", out.trace}, {"loads", out.metrics.at("model_loads")}};
  });
  const json trace = json::parse(j.at("trace").get<std::string>());
  const std::map<std::string, double> load_us{{"load small", 2e3}, {"load large", 50e3}};
  long long spans = 0;
  for (const auto& e : trace.at("traceEvents")) {
    if (e.value("cat", "") != "model") continue;
    ++spans;
    const std::string name = e.at("name");
    ASSERT_TRUE(load_us.contains(name)) << name;
    EXPECT_NEAR(e.at("dur").get<double>(), load_us.at(name), 1e-6);
  }
  EXPECT_GT(spans, 0);
  EXPECT_EQ(spans, j.at("loads").get<long long>());
}

TEST(Inference, InfaasSwapsModelsWhenTheEdgeMemoryHoldsOnlyOne) {
  const std::map<std::string, std::pair<double, double>> edge_profile{{"small", {2e-3, 1e-3}}, {"large", {50e-3, 5e-3}}};
  auto check_loads = [&](const testing::SimResult& r) -> std::pair<long long, size_t> {
    Csv req(r.csv.at("requests"));
    double load_s = 0;
    long long loads = 0;
    std::set<std::pair<std::string, std::string>> used;  // (edge, variant)
    for (size_t i = 0; i < req.size(); ++i) {
      SCOPED_TRACE("request " + std::to_string(i));
      EXPECT_EQ(req.text(i, "answered_at"), "edge");
      const std::string model = req.text(i, "edge_model");
      if (!edge_profile.contains(model)) {
        ADD_FAILURE() << "unexpected edge model \"" << model << "\"";
        continue;
      }
      EXPECT_EQ(model, req.text(i, "tier") == "0" ? "small" : "large");
      used.insert({req.text(i, "edge"), model});
      const double load = req.num(i, "load_s");
      if (load > 0) {
        ++loads;
        EXPECT_EQ(load, edge_profile.at(model).first);
      }
      load_s += load;
      EXPECT_NEAR(req.num(i, "edge_end_s") - req.num(i, "edge_start_s"), load + edge_profile.at(model).second, 1e-12);
    }
    EXPECT_EQ(metric(r, "model_loads"), double(loads));
    EXPECT_NEAR(metric(r, "model_load_time_s"), load_s, 1e-9 * load_s);
    EXPECT_EQ(r.cell("devices", "edge0", "model_loads") + r.cell("devices", "edge1", "model_loads"), double(loads));
    return std::pair{loads, used.size()};
  };
  auto tight = run(infaas("45MB"));
  auto [swaps, tight_used] = check_loads(tight);
  // Tiers alternate at random: about half the requests change the resident model.
  EXPECT_GT(double(swaps), 0.3 * metric(tight, "requests"));
  EXPECT_EQ(tight_used, 4u);

  auto ample = run(infaas("1GB"));
  auto [loads, used] = check_loads(ample);
  EXPECT_EQ(used, 4u);  // both variants on both edges
  EXPECT_EQ(loads, (long long)used);
}

TEST(Inference, ArrivalTraceRowsBecomeTheRequests) {
  json s = scenario("hawkvision");
  s["platform"]["clients"] = 3;
  s["platform"]["edges"] = 1;
  s["workload"].erase("duration");  // a trace runs to its last row
  s["workload"]["arrivals"] = {{"process", "trace"}, {"file", "arrivals.csv"}};
  auto r = run(s);

  std::multiset<std::pair<int, double>> expected, got;
  std::ifstream in(data_dir + "arrivals.csv");
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "time_s,camera");
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cells = Csv::split(line);
    expected.insert({std::stoi(cells.at(1)), std::stod(cells.at(0))});
  }
  ASSERT_GE(expected.size(), 10u);
  Csv req(r.csv.at("requests"));
  for (size_t i = 0; i < req.size(); ++i) got.insert({std::stoi(req.text(i, "camera")), req.num(i, "created_s")});
  EXPECT_EQ(got, expected);  // exact times: no rounding on the way
  EXPECT_EQ(metric(r, "requests"), double(expected.size()));
  EXPECT_EQ(metric(r, "requests_answered"), double(expected.size()));
}

TEST(Inference, EnergyIsIdlePowerOverTheRunPlusBusyExtraOverServiceTime) {
  auto r = run(scenario("hawkvision"));
  const double duration = metric(r, "simulated_time_s");
  struct Device {
    const char* host;
    double idle_w, busy_w;
  };
  double edge_energy = 0;
  // devices.json: test_edge 2 W idle, 10 W busy; test_gpu 50 W idle, 300 W busy.
  for (const Device& d : {Device{"edge0", 2, 10}, Device{"edge1", 2, 10}, Device{"dc0", 50, 300}}) {
    SCOPED_TRACE(d.host);
    const double busy = r.cell("devices", d.host, "busy_s"), energy = r.cell("devices", d.host, "energy_j");
    EXPECT_GT(busy, 0.01 * duration);
    const double expected = d.idle_w * duration + (d.busy_w - d.idle_w) * busy;
    EXPECT_NEAR(energy, expected, 1e-6 * expected);
    EXPECT_NEAR(r.cell("devices", d.host, "power_mean_w"), energy / duration, 1e-9 * energy / duration);
    if (d.host[0] == 'e') {
      edge_energy += energy;
    } else {
      EXPECT_NEAR(metric(r, "dc_energy_j"), energy, 1e-9 * energy);
    }
  }
  EXPECT_NEAR(metric(r, "edge_energy_j"), edge_energy, 1e-9 * edge_energy);
}

}  // namespace
}  // namespace cs
