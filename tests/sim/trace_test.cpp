// The run's timeline (Chrome trace-event JSON): valid JSON with the expected kinds of events,
// span durations against the scenario and closed forms, spans of one thread that nest and never
// cross, byte-identical repeats, the event cap, and no effect on the run's results.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "output/trace.hpp"
#include "sim_fixture.hpp"
#include "validation/record.hpp"

namespace cs {
namespace {

using nlohmann::json;

struct Event {
  std::string name, category;
  double ts, dur;  // microseconds
  int pid, tid;
  json args;
};

struct Traced {
  std::string text;
  json document;
  json metrics;
  json tables;
  std::vector<Event> events;                    // complete events, in file order
  std::map<std::pair<int, int>, std::string> threads;  // (pid, tid) -> thread name
  std::map<int, std::string> processes;

  std::vector<const Event*> named(const std::string& name) const {
    std::vector<const Event*> out;
    for (const auto& e : events)
      if (e.name == name) out.push_back(&e);
    return out;
  }
};

Traced simulate_traced(const json& scenario, bool record = true) {
  json j = testing::run_in_child([&] {
    RunOutput out = run_simulation(parse_scenario(scenario, "test.json"), {}, record);
    json tables = json::object();
    for (const auto& t : out.tables) tables[t.name] = t.to_csv();
    return json{{"trace", out.trace}, {"metrics", out.metrics}, {"tables", tables}};
  });
  Traced t;
  t.text = j["trace"].get<std::string>();
  t.metrics = j["metrics"];
  t.tables = j["tables"];
  if (t.text.empty()) return t;
  t.document = json::parse(t.text);  // throws on invalid JSON
  for (const auto& e : t.document.at("traceEvents")) {
    const std::string ph = e.at("ph");
    if (ph == "M") {
      if (e["name"] == "thread_name") t.threads[{e["pid"], e["tid"]}] = e["args"]["name"];
      if (e["name"] == "process_name") t.processes[e["pid"]] = e["args"]["name"];
      continue;
    }
    EXPECT_EQ(ph, "X");
    t.events.push_back({e.at("name"), e.at("cat"), e.at("ts"), e.at("dur"), e.at("pid"), e.at("tid"),
                        e.value("args", json::object())});
  }
  return t;
}

// A viewer stacks one thread's events: any two must be disjoint or one inside the other.
void expect_nested_or_disjoint(const Traced& t) {
  std::map<std::pair<int, int>, std::vector<const Event*>> by_thread;
  for (const auto& e : t.events) by_thread[{e.pid, e.tid}].push_back(&e);
  const double tolerance = 1e-6;  // microseconds: ts + dur is recomputed in doubles
  for (auto& [thread, events] : by_thread) {
    std::stable_sort(events.begin(), events.end(), [](const Event* a, const Event* b) {
      return a->ts != b->ts ? a->ts < b->ts : a->dur > b->dur;
    });
    std::vector<const Event*> open;
    for (const Event* e : events) {
      while (!open.empty() && open.back()->ts + open.back()->dur <= e->ts + tolerance) open.pop_back();
      if (!open.empty()) {
        ASSERT_LE(e->ts + e->dur, open.back()->ts + open.back()->dur + tolerance)
            << e->name << " at " << e->ts << " crosses " << open.back()->name << " at " << open.back()->ts << " on "
            << t.threads.at(thread);
      }
      open.push_back(e);
    }
  }
}

void expect_sorted(const Traced& t) {
  for (size_t i = 1; i < t.events.size(); ++i) {
    const Event &a = t.events[i - 1], &b = t.events[i];
    ASSERT_LE(std::tie(a.ts, a.pid, a.tid), std::tie(b.ts, b.pid, b.tid)) << "event " << i;
  }
}

json star(int hosts) {
  json s = testing::star_scenario(hosts, "10Gbps", "5us");
  s["platform"]["network_model"] = "CM02";
  s["outputs"] = {{"trace", true}};
  return s;
}

// The quickstart's shape, shorter: a PS job and a ring job, the ring one arriving later.
json quickstart_like() {
  json s = star(9);
  s["workload"]["jobs"] = {{{"name", "ps-job"},
                            {"model", "ResNet50"},
                            {"workers", {"host[0-3]"}},
                            {"aggregation", "ps"},
                            {"servers", {"host4"}},
                            {"iterations", 5},
                            {"compute", "60ms"}},
                           {{"name", "ring-job"},
                            {"model", "VGG16"},
                            {"workers", {"host[5-8]"}},
                            {"aggregation", "ring"},
                            {"iterations", 3},
                            {"compute", "120ms"},
                            {"arrival", "0.2s"}}};
  return s;
}

TEST(Trace, QuickstartLikeRunHasOneIterationSpanPerWorkerIterationAndExactComputeSpans) {
  const Traced t = simulate_traced(quickstart_like());
  ASSERT_FALSE(t.text.empty());
  EXPECT_EQ(t.document["displayTimeUnit"], "ms");
  EXPECT_EQ(t.document["otherData"]["truncated"], false);
  EXPECT_EQ(t.document["otherData"]["scenario"], "test");
  std::set<std::string> labels;
  for (const auto& [pid, label] : t.processes) labels.insert(label);
  EXPECT_TRUE(labels.count("host0 (compute: worker)"));
  EXPECT_TRUE(labels.count("host4 (compute: server)"));
  EXPECT_FALSE(labels.count("switch (switch)"));  // no events there: no process

  std::set<std::string> kinds;
  for (const auto& e : t.events) kinds.insert(e.name);
  EXPECT_EQ(kinds, (std::set<std::string>{"compute", "iteration", "transfer"}));

  std::map<std::string, int> iterations;
  for (const Event* e : t.named("iteration")) {
    EXPECT_EQ(e->category, "training");
    ++iterations[e->args.at("job").get<std::string>()];
  }
  EXPECT_EQ(iterations["ps-job"], 5 * 4);
  EXPECT_EQ(iterations["ring-job"], 3 * 4);

  const auto computes = t.named("compute");
  EXPECT_EQ(computes.size(), size_t(5 * 4 + 3 * 4));
  for (const Event* e : computes) {
    const std::string& thread = t.threads.at({e->pid, e->tid});
    const double expected_us = thread.starts_with("ps-job") ? 60e3 : 120e3;
    EXPECT_NEAR(e->dur, expected_us, 1e-9 * expected_us) << thread;
  }
  // Every transfer says how much it carried and where to.
  for (const Event* e : t.named("transfer")) {
    EXPECT_EQ(e->category, "network");
    EXPECT_GT(e->args.at("bytes").get<double>(), 0);
    EXPECT_TRUE(e->args.at("to").get<std::string>().starts_with("host"));
  }
  // PS: 4 pushes and 4 results per iteration; ring: 2(n-1) steps per worker per iteration.
  EXPECT_EQ(t.named("transfer").size(), size_t(5 * 8 + 3 * 4 * 6));
  expect_nested_or_disjoint(t);
  expect_sorted(t);
}

TEST(Trace, ASingleTransferOnAnIdleStarTakesLatencyPlusSizeOverBandwidth) {
  json s = testing::star_scenario(2, "10Gbps", "20us");
  s["platform"]["network_model"] = "CM02";
  s["workload"]["jobs"] = {{{"gradient_size", "100MB"},
                            {"workers", {"host0"}},
                            {"servers", {"host1"}},
                            {"iterations", 1},
                            {"compute", "10ms"}}};
  const Traced t = simulate_traced(s);  // tracing asked for by the caller, not the scenario
  const auto transfers = t.named("transfer");
  ASSERT_EQ(transfers.size(), 2u);
  const double expected_us = (100e6 / (10e9 / 8) + 2 * 20e-6) * 1e6;
  const char* direction[] = {"push", "result"};
  for (size_t i = 0; i < transfers.size(); ++i) {
    // The trace writes microseconds to the picosecond (1e-6 us): 1e-9 relative covers it.
    validation::check("", std::string("traced transfer duration (us), ") + direction[i], "(2 l + S / B) x 1e6",
                      "S=100 MB, B=10 Gbps, l=20 us per link, star, CM02", expected_us, transfers[i]->dur, 1e-9);
    EXPECT_EQ(transfers[i]->args.at("bytes").get<double>(), 100e6);
  }
  // The push starts when the worker's compute ends, on the worker's host, toward the server.
  EXPECT_NEAR(transfers[0]->ts, 10e3, 1e-6);
  EXPECT_EQ(t.processes.at(transfers[0]->pid), "host0 (compute: worker)");
  EXPECT_EQ(transfers[0]->args.at("to"), "host1");
  EXPECT_EQ(transfers[1]->args.at("to"), "host0");
  EXPECT_NEAR(transfers[1]->ts, 10e3 + expected_us, 1e-6);
}

TEST(Trace, CompressionShowsEncodeAggregateAndDecode) {
  json s = star(3);
  s["workload"]["compression"] = {
      {"scheme", "thc"}, {"costs", {{"encode", "2ns"}, {"add", "1ns"}, {"finish", "0ns"}, {"decode", "1ns"}}}};
  s["workload"]["jobs"] = {{{"name", "j"},
                            {"gradient_size", "4MiB"},
                            {"workers", 2},
                            {"aggregation", "ps"},
                            {"servers", {"host2"}},
                            {"iterations", 2},
                            {"compute", "5ms"}}};
  const Traced t = simulate_traced(s);
  const double coords = 4.0 * (1 << 20) / 4;
  const auto encodes = t.named("encode"), decodes = t.named("decode"), aggregates = t.named("aggregate");
  ASSERT_EQ(encodes.size(), 2u * 2);
  ASSERT_EQ(decodes.size(), 2u * 2);
  ASSERT_EQ(aggregates.size(), 2u);
  // Each kind's span furthest from its closed form, to 1e-9 relative (the trace keeps picoseconds).
  auto worst = [](const std::vector<const Event*>& events, double expected_us) {
    double d = events.front()->dur;
    for (const Event* e : events)
      if (std::abs(e->dur - expected_us) > std::abs(d - expected_us)) d = e->dur;
    return d;
  };
  const std::string p = "d=2^20 coordinates, n=2 workers, 2 rounds, encode 2 ns, add 1 ns, decode 1 ns per coordinate";
  validation::check("", "traced encode span (us), worst of 4", "d e x 1e6", p, coords * 2e-9 * 1e6,
                    worst(encodes, coords * 2e-9 * 1e6), 1e-9);
  validation::check("", "traced decode span (us), worst of 4", "d f x 1e6", p, coords * 1e-9 * 1e6,
                    worst(decodes, coords * 1e-9 * 1e6), 1e-9);
  validation::check("", "traced aggregate span (us), worst of 2", "d n a x 1e6", p, coords * 2 * 1e-9 * 1e6,
                    worst(aggregates, coords * 2 * 1e-9 * 1e6), 1e-9);
  for (const Event* e : aggregates) EXPECT_EQ(t.processes.at(e->pid), "host2 (compute: server)");
  EXPECT_EQ(encodes.front()->category, "compression");
  EXPECT_EQ(aggregates.front()->category, "aggregation");
  expect_nested_or_disjoint(t);
}

json ina_run() {
  json s = star(5);
  s["policies"] = {{"switch_allocation", "atp"}};
  s["workload"]["ina"] = json::object();
  s["workload"]["jobs"] = {{{"name", "ina"},
                            {"gradient_size", "2MB"},
                            {"workers", 4},
                            {"aggregation", "ina"},
                            {"iterations", 2},
                            {"compute", "1ms"}}};
  return s;
}

TEST(Trace, InaPortsShowQueueingAndPipelinedTransfersOnThreadsThatNeverCross) {
  const Traced t = simulate_traced(ina_run());
  std::set<std::string> kinds;
  for (const auto& e : t.events) kinds.insert(e.name);
  for (const char* kind : {"compute", "iteration", "transfer", "queue", "aggregate"}) EXPECT_TRUE(kinds.count(kind)) << kind;
  EXPECT_EQ(t.named("iteration").size(), 2u * 4);
  for (const Event* e : t.named("queue")) {
    EXPECT_EQ(e->category, "queue");
    EXPECT_GT(e->dur, 0);
  }
  // Pipelined transfers overlap, so a port's actor needs more than one thread.
  bool extra_lane = false;
  for (const auto& [id, name] : t.threads) extra_lane |= name.find(" #2") != std::string::npos;
  EXPECT_TRUE(extra_lane);
  expect_nested_or_disjoint(t);
  expect_sorted(t);
}

TEST(Trace, TheSameScenarioGivesTheSameBytes) {
  EXPECT_EQ(simulate_traced(quickstart_like()).text, simulate_traced(quickstart_like()).text);
  EXPECT_EQ(simulate_traced(ina_run()).text, simulate_traced(ina_run()).text);
}

TEST(Trace, RecordingChangesNoResult) {
  for (const json& s : {quickstart_like(), ina_run()}) {
    json off = s;
    off["outputs"]["trace"] = false;
    const Traced with = simulate_traced(s), without = simulate_traced(off, false);
    EXPECT_TRUE(without.text.empty());
    EXPECT_EQ(with.metrics, without.metrics);
    EXPECT_EQ(with.tables, without.tables);
  }
}

TEST(Trace, StopsRecordingAfterMaxEventsAndSaysSo) {
  json s = quickstart_like();
  s["outputs"]["trace_max_events"] = 10;
  const Traced t = simulate_traced(s);
  EXPECT_EQ(t.events.size(), 10u);
  const json& other = t.document["otherData"];
  EXPECT_EQ(other["truncated"], true);
  EXPECT_EQ(other["max_events"], 10);
  EXPECT_GT(other["dropped_events"].get<int>(), 0);
  EXPECT_TRUE(other.contains("truncated_note"));
}

TEST(Trace, BadOptionsAreRejected) {
  json s = quickstart_like();
  s["outputs"]["trace_max_events"] = 0;
  EXPECT_THROW(parse_scenario(s, "test.json"), BadInput);
  s["outputs"]["trace_max_events"] = 2.5;
  EXPECT_THROW(parse_scenario(s, "test.json"), BadInput);
  s["outputs"].erase("trace_max_events");
  s["outputs"]["trace"] = "yes";
  EXPECT_THROW(parse_scenario(s, "test.json"), BadInput);
}

// The recorder alone: a generic span API any part of the simulator can call.
TEST(TraceRecorder, OverlappingSpansOfOneActorGoToExtraThreadsAndNestedOnesStay) {
  TraceRecorder r;
  r.add_process("b", "b (switch)");
  r.add_process("a", "a (compute)");
  r.span("a", "loader", "load", "model", 0.0, 1.0, {{"model", "ResNet50"}, {"bytes", 1e8}});
  r.span("a", "loader", "load", "read", 0.0, 0.5);         // nested, same start
  r.span("a", "loader", "load", "overlap", 0.75, 1.5);     // crosses "model": another thread
  r.span("a", "loader", "load", "after", 1.0, 2.0);        // follows "model"
  r.span("b", "sw", "net", "q\"uote", 0.25, 0.25);
  const json doc = json::parse(r.to_json());
  std::map<std::string, std::pair<int, int>> where;
  std::map<std::pair<int, int>, std::string> threads;
  std::vector<std::string> order;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == "M") {
      if (e["name"] == "thread_name") threads[{e["pid"], e["tid"]}] = e["args"]["name"];
      continue;
    }
    where[e["name"]] = {e["pid"], e["tid"]};
    order.push_back(e["name"]);
  }
  EXPECT_EQ(where["model"], where["read"]);
  EXPECT_EQ(where["model"], where["after"]);
  EXPECT_NE(where["model"], where["overlap"]);
  EXPECT_EQ(where["model"].first, 2);  // "a" was declared second
  EXPECT_EQ(threads[where["model"]], "loader");
  EXPECT_EQ(threads[where["overlap"]], "loader #2");
  EXPECT_EQ(where["q\"uote"].first, 1);
  // Sorted by start; at one start, the enclosing span first.
  EXPECT_EQ(order, (std::vector<std::string>{"model", "read", "q\"uote", "overlap", "after"}));
}

TEST(TraceRecorder, WritesMicrosecondsToThePicosecond) {
  TraceRecorder r;
  r.span("h", "a", "c", "tiny", 1e-9, 2.5e-9);
  r.span("h", "a", "c", "long", 2.0, 3.000000000001);
  const std::string text = r.to_json();
  EXPECT_NE(text.find("\"ts\":0.001,\"dur\":0.0015,"), std::string::npos) << text;
  EXPECT_NE(text.find("\"ts\":2000000,\"dur\":1000000.000001,"), std::string::npos) << text;
}

TEST(TraceRecorder, KeepsNoMoreThanItsCap) {
  TraceRecorder r(3);
  for (int i = 0; i < 5; ++i) r.span("h", "a", "c", "n", i, i + 1);
  EXPECT_TRUE(r.full());
  EXPECT_EQ(r.events(), 3u);
  EXPECT_EQ(r.dropped(), 2u);
  const json doc = json::parse(r.to_json());
  EXPECT_EQ(doc["otherData"]["truncated"], true);
  EXPECT_EQ(doc["otherData"]["dropped_events"], 2);
  EXPECT_EQ(doc["otherData"]["truncated_at_s"], 4);
}

}  // namespace
}  // namespace cs
