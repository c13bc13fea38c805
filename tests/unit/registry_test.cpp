// The registries: every registered name is accepted where the scenario names one and gives that
// alternative; an unknown name is refused with the registry's own list; the README names every
// registered alternative; a registry takes one more entry without touching the global one.
#include <gtest/gtest.h>

#include "fixtures/edge_dc.hpp"

#include <fstream>
#include <sstream>

#include "compression/scheme.hpp"
#include "ina/policy_registry.hpp"
#include "serving/arrivals.hpp"
#include "scenario/scenario.hpp"
#include "serving/policy.hpp"
#include "test_util.hpp"

using namespace cs;
using cs::testing::bad_input_of;
using cs::testing::write_temp_file;

namespace {

// A star with one INA job; the allocation policy is set per test.
json ina_scenario(const std::string& policy) {
  json d = json::parse(R"({
    "name": "t", "seed": 3,
    "platform": {"topology": "star", "hosts": 4, "host": {"speed": "1Tf"},
                 "link": {"bandwidth": "10Gbps", "latency": "5us"}},
    "workload": {"kind": "training", "jobs": [
      {"name": "a", "gradient_size": "1MB", "workers": 2, "aggregation": "ina", "iterations": 2, "compute": "1ms"}]},
    "policies": {}
  })");
  d["policies"]["switch_allocation"] = policy;
  return d;
}

// The inference scenario of tests/sim/inference_test.cpp, only parsed here (its profiles and
// outcomes live in tests/sim/data/inference).
const std::string inference_data = std::string(CLUSTERSIM_SOURCE_DIR) + "/tests/sim/data/inference/";
json inference_scenario(const std::string& system) {
  return {{"name", "t"},
          {"seed", 1},
          {"platform", cs::testing::edge_dc_test_platform(4, 2, 1)},
          {"workload",
           {{"kind", "inference"},
            {"system", system},
            {"duration", "2s"},
            {"arrivals", {{"process", "poisson"}, {"rate", "5/s"}}},
            {"tiers", json::array({{{"accuracy", 0.7}}, {{"accuracy", 0.8}}})},
            {"frame", {{"size", "14000B"}, {"packet", "1400B"}}},
            {"edge", {{"device", "test_edge"}, {"memory", "1GB"}}},
            {"dc", {{"device", "test_gpu"}, {"max_batch", 4}}},
            {"models", {{"source", "csv"}, {"file", "outcomes.csv"}, {"edge", "small"}, {"dc", "large"}}},
            {"profiles", {{"devices", "devices.json"}, {"models", "models.json"}}}}}};
}

// "a, b, c": what JsonNode::choice lists after "one of: ".
template <class R>
std::string one_of(const R& registry) {
  return "one of: " + registry.listing();
}

}  // namespace

TEST(Registry, EveryAllocationPolicyParsesAndBuildsItself) {
  ASSERT_GE(ina::policies().entries().size(), 3u);
  for (const ina::PolicyEntry* e : ina::policies().entries()) {
    const Scenario s = parse_scenario(ina_scenario(std::string(e->name)), "t.json");
    EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().ina.policy, e) << e->name;
    EXPECT_EQ(s.workloads[0].as<TrainingWorkload>().ina.values_per_packet, e->traits.values_per_packet) << e->name;
    auto policy = s.workloads[0].as<TrainingWorkload>().ina.policy->make({64, 0});
    EXPECT_EQ(policy->name(), e->name);
    EXPECT_EQ(policy->capacity(), 64u) << e->name;
    EXPECT_EQ(ina::make_policy(e->name, {64, 0})->name(), e->name);
  }
  EXPECT_EQ(parse_scenario(ina_scenario("esa"), "t.json").workloads[0].as<TrainingWorkload>().ina.policy, &ina::default_policy());
}

TEST(Registry, TheTraitsSayWhatTheActorsDo) {
  // The SwitchML facts the actors used to test by name, now stated once in its entry.
  const auto& switchml = ina::policies().at("switchml").traits;
  EXPECT_TRUE(switchml.multicasts_results && switchml.pools_per_job);
  EXPECT_EQ(switchml.aggregators_per_slot, 2u);
  EXPECT_EQ(switchml.values_per_packet, 64u);
  EXPECT_TRUE(ina::policies().at("esa").traits.priority_aware);
  EXPECT_FALSE(ina::policies().at("atp").traits.priority_aware);
  // A pool of 256 aggregators is 128 slots of two versions; the shared policies do not pace.
  InaSpec spec;
  spec.policy = &ina::policies().at("switchml");
  EXPECT_EQ(spec.pool_slots(), 128u);
  spec.policy = &ina::policies().at("atp");
  EXPECT_EQ(spec.pool_slots(), ~0ull);
  // A pool that cannot fit is refused for a pools_per_job policy only.
  json d = ina_scenario("switchml");
  d["workload"]["ina"] = {{"aggregators", 100}, {"switchml_pool", 200}};
  EXPECT_CONTAINS(bad_input_of([&] { parse_scenario(d, "t.json"); }), "switchml jobs would wait forever");
  d["policies"]["switch_allocation"] = "atp";
  EXPECT_NO_THROW(parse_scenario(d, "t.json"));
}

TEST(Registry, AnUnknownAllocationPolicyListsTheRegisteredOnes) {
  const std::string e = bad_input_of([] { parse_scenario(ina_scenario("sharp"), "t.json"); });
  EXPECT_CONTAINS(e, "/policies/switch_allocation");
  EXPECT_CONTAINS(e, one_of(ina::policies()));
  EXPECT_THROW(ina::make_policy("sharp", {64, 0}), std::invalid_argument);
}

TEST(Registry, EveryServingSystemParsesAndBuildsItself) {
  ASSERT_GE(serving::systems().entries().size(), 4u);
  for (const serving::SystemEntry* e : serving::systems().entries()) {
    const Scenario s = parse_scenario(inference_scenario(std::string(e->name)), inference_data + "test.json");
    EXPECT_EQ(&s.workloads[0].as<InferenceWorkload>().system.entry(), e) << e->name;
    EXPECT_EQ(serving::system_name(s.workloads[0].as<InferenceWorkload>().system), e->name);
  }
  // The built-in handles are their registry entries.
  EXPECT_EQ(&serving::SystemKind::infaas.entry(), &serving::systems().at("infaas"));
  EXPECT_TRUE(serving::SystemKind::hawkvision->traits.cascade);
  EXPECT_FALSE(serving::SystemKind::dc_only->traits.cascade);
}

TEST(Registry, AnUnknownServingSystemListsTheRegisteredOnes) {
  const std::string e =
      bad_input_of([] { parse_scenario(inference_scenario("clipper"), inference_data + "test.json"); });
  EXPECT_CONTAINS(e, "/workload/system");
  EXPECT_CONTAINS(e, one_of(serving::systems()));
}

TEST(Registry, EveryArrivalProcessParses) {
  const std::string trace = write_temp_file("registry_arrivals.csv", "time_s\n0.1\n0.5\n");
  for (const serving::ArrivalEntry* e : serving::arrival_processes().entries()) {
    json d = inference_scenario("dc_only");
    d["workload"]["arrivals"] = {{"process", e->name}};
    if (e->from_trace) d["workload"]["arrivals"]["file"] = trace;
    else d["workload"]["arrivals"]["rate"] = "5/s";
    const Scenario s = parse_scenario(d, inference_data + "test.json");
    EXPECT_EQ(s.workloads[0].as<InferenceWorkload>().arrivals, e) << e->name;
  }
  json d = inference_scenario("dc_only");
  d["workload"]["arrivals"]["process"] = "bursty";
  EXPECT_CONTAINS(bad_input_of([&] { parse_scenario(d, inference_data + "test.json"); }), one_of(serving::arrival_processes()));
}

TEST(Registry, EveryCompressionSchemeBuildsItself) {
  ASSERT_GE(compression::schemes().entries().size(), 7u);
  EXPECT_EQ(compression::scheme_names().size(), compression::schemes().entries().size());
  for (const compression::SchemeEntry* e : compression::schemes().entries()) {
    compression::SchemeConfig c;
    c.name = std::string(e->name);
    EXPECT_EQ(compression::make_scheme(c)->name(), e->name);
  }
  compression::SchemeConfig c;
  c.name = "powersgd";
  try {
    compression::make_scheme(c);
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_CONTAINS(e.what(), "(known: " + compression::schemes().listing() + ")");
  }
}

TEST(Registry, TheReadmeNamesEveryRegisteredAlternative) {
  std::ifstream in(std::string(CLUSTERSIM_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md not found";
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  auto check = [&](const auto& registry) {
    for (std::string_view n : registry.names())
      EXPECT_NE(readme.find("`" + std::string(n) + "`"), std::string::npos) << registry.what() << " " << n;
  };
  check(ina::policies());
  check(serving::systems());
  check(compression::schemes());
  check(serving::arrival_processes());
}

namespace {

// A policy that only exists in this test: its entry is the whole of what registering it takes.
ina::Outcome forward_all(const ina::Packet&) { return {ina::Verdict::forwarded, {}}; }
class ForwardAll final : public ina::AggregationPolicy {
 public:
  explicit ForwardAll(const ina::SwitchMemory& m) : capacity_(m.aggregators) {}
  std::string_view name() const override { return "forward_all"; }
  ina::Outcome on_packet(const ina::Packet& p) override { return done(forward_all(p)); }
  bool admit(std::uint32_t, std::uint32_t) override { return true; }
  void release(std::uint32_t) override {}
  void on_result(std::uint32_t, std::uint64_t, std::uint32_t) override {}
  std::uint32_t occupied() const override { return 0; }
  std::uint32_t partials() const override { return 0; }
  std::uint32_t capacity() const override { return capacity_; }

 private:
  std::uint32_t capacity_;
};
const ina::PolicyEntry forward_all_policy{
    "forward_all", "every packet to the PS (a test policy)", {},
    [](const ina::SwitchMemory& m) -> std::unique_ptr<ina::AggregationPolicy> { return std::make_unique<ForwardAll>(m); }};

}  // namespace

TEST(Registry, AnEntryAddedToACopyIsFoundThereAndNowhereElse) {
  Registry<ina::PolicyEntry> r = ina::policies();
  r.add(forward_all_policy);
  ASSERT_EQ(r.find("forward_all"), &forward_all_policy);
  EXPECT_EQ(r.listing(), ina::policies().listing() + ", forward_all");
  auto p = r.at("forward_all").make({8, 0});
  EXPECT_EQ(p->on_packet({0, 0, 2, 0, 0, 0, false, {}}).verdict, ina::Verdict::forwarded);
  EXPECT_EQ(p->counters().forwarded, 1u);
  EXPECT_EQ(ina::policies().find("forward_all"), nullptr);
  // A name taken twice is refused.
  EXPECT_THROW(r.add(forward_all_policy), std::logic_error);
  EXPECT_THROW(r.add(ina::policies().at("esa")), std::logic_error);
}
