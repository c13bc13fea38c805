// Edge model memory (LRU with pinning) and the four serving policies on a 4-variant pool.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "serving/lru_memory.hpp"
#include "serving/policy.hpp"
#include "serving/thresholds.hpp"

namespace cs::serving {
namespace {

// ---------------------------------------------------------------------------------------------
// LruMemory

TEST(ServingLru, CapacityMustBePositive) {
  EXPECT_THROW(LruMemory(0), std::invalid_argument);
  EXPECT_THROW(LruMemory(-5), std::invalid_argument);
  EXPECT_NO_THROW(LruMemory(1));
}

TEST(ServingLru, MissThenHitMovesToFront) {
  LruMemory m(300);
  auto a = m.use(0, 100);
  EXPECT_FALSE(a.hit);
  EXPECT_TRUE(a.evicted.empty());
  EXPECT_FALSE(m.use(1, 100).hit);
  EXPECT_EQ(m.residents(), (std::vector<int>{1, 0}));
  a = m.use(0, 100);
  EXPECT_TRUE(a.hit);
  EXPECT_TRUE(a.evicted.empty());
  EXPECT_EQ(m.residents(), (std::vector<int>{0, 1}));
  EXPECT_EQ(m.used_bytes(), 200);
  EXPECT_EQ(m.capacity_bytes(), 300);
  EXPECT_TRUE(m.resident(1));
  EXPECT_FALSE(m.resident(2));
}

TEST(ServingLru, EvictsLeastRecentlyUsedFirst) {
  LruMemory m(300);
  m.use(0, 100);
  m.use(1, 100);
  m.use(2, 100);
  m.use(0, 100);  // order now 0, 2, 1
  auto a = m.use(3, 100);
  EXPECT_FALSE(a.hit);
  EXPECT_EQ(a.evicted, (std::vector<int>{1}));
  EXPECT_EQ(m.residents(), (std::vector<int>{3, 0, 2}));
  a = m.use(4, 200);  // needs two evictions, oldest first
  EXPECT_EQ(a.evicted, (std::vector<int>{2, 0}));
  EXPECT_EQ(m.residents(), (std::vector<int>{4, 3}));
  EXPECT_EQ(m.used_bytes(), 300);
  a = m.use(5, 300);  // everything goes
  EXPECT_EQ(a.evicted, (std::vector<int>{3, 4}));
  EXPECT_EQ(m.residents(), (std::vector<int>{5}));
}

TEST(ServingLru, PinnedVariantsAreNeverEvicted) {
  LruMemory m(300);
  m.pin(0, 100);
  m.use(1, 100);
  m.use(2, 100);  // order 2, 1, 0 (pinned, least recent)
  auto a = m.use(3, 150);
  EXPECT_EQ(a.evicted, (std::vector<int>{1, 2}));
  EXPECT_EQ(m.residents(), (std::vector<int>{3, 0}));
  EXPECT_EQ(m.used_bytes(), 250);
  a = m.use(4, 200);
  EXPECT_EQ(a.evicted, (std::vector<int>{3}));
  EXPECT_TRUE(m.resident(0));
}

TEST(ServingLru, PinningAResidentVariantKeepsIt) {
  LruMemory m(200);
  m.use(0, 100);
  m.use(1, 100);
  m.pin(0, 100);  // resident already: now pinned and most recent
  EXPECT_EQ(m.residents(), (std::vector<int>{0, 1}));
  m.use(1, 100);  // 0 is now least recent but pinned
  auto a = m.use(2, 100);
  EXPECT_EQ(a.evicted, (std::vector<int>{1}));
  EXPECT_EQ(m.residents(), (std::vector<int>{2, 0}));
}

TEST(ServingLru, TooBigThrowsAndLeavesStateUnchanged) {
  LruMemory m(300);
  m.pin(0, 200);
  m.use(1, 50);
  EXPECT_THROW(m.use(2, 150), std::invalid_argument);  // 150 > 300 - 200 pinned
  EXPECT_THROW(m.pin(2, 101), std::invalid_argument);
  EXPECT_THROW(m.use(3, 301), std::invalid_argument);
  EXPECT_EQ(m.residents(), (std::vector<int>{1, 0}));
  EXPECT_EQ(m.used_bytes(), 250);
  auto a = m.use(2, 100);  // fits once 1 goes
  EXPECT_EQ(a.evicted, (std::vector<int>{1}));
  EXPECT_EQ(m.used_bytes(), 300);
}

// ---------------------------------------------------------------------------------------------
// Policies

//   variant   accuracy  memory  edge latency  load    DC latency
//   0 tiny    0.70      10      5 ms          10 ms   2 ms
//   1 small   0.80      20      10 ms         15 ms   3 ms
//   2 medium  0.88      40      30 ms         40 ms   6 ms
//   3 large   0.93      80      (none)        80 ms   10 ms
std::vector<VariantProfile> pool() {
  return {{"tiny", 0.70, 10, 0.005, 0.010, 0.002},
          {"small", 0.80, 20, 0.010, 0.015, 0.003},
          {"medium", 0.88, 40, 0.030, 0.040, 0.006},
          {"large", 0.93, 80, -1, 0.080, 0.010}};
}

// Tiers 0.70, 0.80, 0.88, 0.93, and 0.99 which nothing meets.
PolicyConfig config() {
  PolicyConfig c;
  c.pool = pool();
  c.edge_model = 1;
  c.dc_model = 3;
  c.tier_accuracy = {0.70, 0.80, 0.88, 0.93, 0.99};
  c.tier_threshold = {0.0, 0.5, 0.8, all_to_dc, all_to_dc};
  c.edge_memory_bytes = 70;  // tiny, small and medium together
  c.dc_network_s = 0.02;
  return c;
}

TEST(ServingPolicy, SystemNames) {
  EXPECT_EQ(system_name(SystemKind::hawkvision), "hawkvision");
  EXPECT_EQ(system_name(SystemKind::infaas), "infaas");
  EXPECT_EQ(system_name(SystemKind::dc_only), "dc_only");
  EXPECT_EQ(system_name(SystemKind::edge_only), "edge_only");
  EXPECT_EQ(make_policy(SystemKind::dc_only, config())->kind(), SystemKind::dc_only);
}

TEST(ServingPolicy, HawkVisionCascadesWithTheTiersThreshold) {
  auto p = make_policy(SystemKind::hawkvision, config());
  EXPECT_EQ(p->kind(), SystemKind::hawkvision);
  Route r = p->route(1, no_deadline);
  EXPECT_EQ(r.edge_variant, 1);
  EXPECT_EQ(r.dc_variant, 3);
  EXPECT_EQ(r.threshold, 0.5);
  EXPECT_EQ(r.load_s, 0);
  EXPECT_TRUE(r.evicted.empty());
  EXPECT_TRUE(r.accuracy_expected);
  r = p->route(2, 0.001);  // no deadline logic: the table decides
  EXPECT_EQ(r.edge_variant, 1);
  EXPECT_EQ(r.threshold, 0.8);
  // all_to_dc: the edge could never answer, so it is skipped.
  r = p->route(3, no_deadline);
  EXPECT_EQ(r.edge_variant, -1);
  EXPECT_EQ(r.dc_variant, 3);
  EXPECT_EQ(r.threshold, all_to_dc);
  EXPECT_TRUE(r.accuracy_expected);
  EXPECT_THROW(p->route(5, no_deadline), std::invalid_argument);
  EXPECT_THROW(p->route(-1, no_deadline), std::invalid_argument);
}

TEST(ServingPolicy, EdgeOnlyAnswersEverythingWithItsModel) {
  auto p = make_policy(SystemKind::edge_only, config());
  for (int tier = 0; tier < 5; ++tier) {
    const Route r = p->route(tier, no_deadline);
    EXPECT_EQ(r.edge_variant, 1);
    EXPECT_EQ(r.dc_variant, -1);
    EXPECT_EQ(r.load_s, 0);
    EXPECT_EQ(r.accuracy_expected, tier <= 1) << tier;  // small (0.80) misses 0.88 and above
  }
}

TEST(ServingPolicy, DcOnlyPicksTheCheapestVariantMeetingTheTier) {
  auto p = make_policy(SystemKind::dc_only, config());
  const int expected[] = {0, 1, 2, 3};
  for (int tier = 0; tier < 4; ++tier) {
    const Route r = p->route(tier, no_deadline);
    EXPECT_EQ(r.edge_variant, -1);
    EXPECT_EQ(r.dc_variant, expected[tier]) << tier;
    EXPECT_TRUE(r.accuracy_expected);
  }
  const Route r = p->route(4, no_deadline);  // 0.99: the most accurate, flagged
  EXPECT_EQ(r.dc_variant, 3);
  EXPECT_FALSE(r.accuracy_expected);

  // Cheapest, not least accurate: medium faster in the DC than tiny and small; a tie with
  // large goes to the lower index; variants not offered in the DC are skipped.
  PolicyConfig c = config();
  c.pool[2].dc_latency_s = 0.001;
  c.pool[3].dc_latency_s = 0.001;
  c.pool[0].dc_latency_s = -1;
  p = make_policy(SystemKind::dc_only, c);
  EXPECT_EQ(p->route(0, no_deadline).dc_variant, 2);
  EXPECT_EQ(p->route(1, no_deadline).dc_variant, 2);
  EXPECT_EQ(p->route(3, no_deadline).dc_variant, 3);
}

TEST(ServingPolicy, InfaasLoadsTheCheapestThenPrefersResidentVariants) {
  auto p = make_policy(SystemKind::infaas, config());
  Route r = p->route(0, no_deadline);  // nothing resident: tiny has the lowest predicted latency
  EXPECT_EQ(r.edge_variant, 0);
  EXPECT_EQ(r.dc_variant, -1);
  EXPECT_EQ(r.load_s, 0.010);
  EXPECT_TRUE(r.accuracy_expected);
  r = p->route(2, no_deadline);  // only medium meets 0.88 at the edge
  EXPECT_EQ(r.edge_variant, 2);
  EXPECT_EQ(r.load_s, 0.040);
  EXPECT_TRUE(r.evicted.empty());
  r = p->route(0, no_deadline);  // tiny resident: a hit
  EXPECT_EQ(r.edge_variant, 0);
  EXPECT_EQ(r.load_s, 0);
  r = p->route(1, no_deadline);  // medium resident and meets 0.80: no load of small
  EXPECT_EQ(r.edge_variant, 2);
  EXPECT_EQ(r.load_s, 0);
  r = p->route(3, no_deadline);  // 0.93: large only, which cannot run at the edge
  EXPECT_EQ(r.edge_variant, -1);
  EXPECT_EQ(r.dc_variant, 3);
  EXPECT_TRUE(r.accuracy_expected);
  r = p->route(4, no_deadline);  // 0.99: nothing meets it; the most accurate, in the DC
  EXPECT_EQ(r.edge_variant, -1);
  EXPECT_EQ(r.dc_variant, 3);
  EXPECT_FALSE(r.accuracy_expected);
}

TEST(ServingPolicy, InfaasAmongResidentsPicksTheLowestLatency) {
  auto p = make_policy(SystemKind::infaas, config());
  p->route(2, no_deadline);  // medium
  // Small would take 15 + 10 = 25 ms, resident medium 30 ms: within 35 ms the resident one wins.
  Route r = p->route(1, 0.035);
  EXPECT_EQ(r.edge_variant, 2);
  EXPECT_EQ(r.load_s, 0);
  r = p->route(1, 0.024);  // medium too slow, small needs 25 ms: the DC
  EXPECT_EQ(r.edge_variant, -1);
  EXPECT_EQ(r.dc_variant, 1);  // cheapest DC variant meeting 0.80
  r = p->route(1, 0.029);  // medium excluded; small is loaded
  EXPECT_EQ(r.edge_variant, 1);
  EXPECT_EQ(r.load_s, 0.015);
  EXPECT_TRUE(r.evicted.empty());
  r = p->route(0, no_deadline);  // small and medium resident: small is faster
  EXPECT_EQ(r.edge_variant, 1);
  EXPECT_EQ(r.load_s, 0);
}

TEST(ServingPolicy, InfaasDeadlineExcludesASlowVariant) {
  auto p = make_policy(SystemKind::infaas, config());
  // Tier 2 (0.88) without a deadline: medium at the edge (40 + 30 ms).
  EXPECT_EQ(p->route(2, no_deadline).edge_variant, 2);
  auto q = make_policy(SystemKind::infaas, config());
  // With 50 ms, medium (70 ms predicted) is out: the DC's medium (20 + 6 ms) meets it.
  Route r = q->route(2, 0.050);
  EXPECT_EQ(r.edge_variant, -1);
  EXPECT_EQ(r.dc_variant, 2);
  EXPECT_TRUE(r.accuracy_expected);
  // Nothing meets a 1 ms deadline: the fastest DC variant meeting the tier all the same.
  r = q->route(1, 0.001);
  EXPECT_EQ(r.edge_variant, -1);
  EXPECT_EQ(r.dc_variant, 1);
  EXPECT_TRUE(r.accuracy_expected);
}

TEST(ServingPolicy, InfaasSwapsOnEveryAlternationWithMemoryForOneVariant) {
  // Tier 2 needs medium; tier 0 with a 20 ms deadline excludes medium (30 ms) and small
  // (15 + 10 ms) and takes tiny (10 + 5 ms). 40 bytes hold medium or tiny, not both: every request loads.
  PolicyConfig c = config();
  c.edge_memory_bytes = 40;
  auto p = make_policy(SystemKind::infaas, c);
  int loads = 0, evictions = 0;
  double load_time = 0;
  for (int i = 0; i < 10; ++i) {
    const bool high = i % 2 == 0;
    const Route r = high ? p->route(2, no_deadline) : p->route(0, 0.020);
    ASSERT_EQ(r.edge_variant, high ? 2 : 0) << i;
    if (r.load_s > 0) ++loads;
    load_time += r.load_s;
    evictions += int(r.evicted.size());
    if (i > 0) {
      EXPECT_EQ(r.evicted, (std::vector<int>{high ? 0 : 2})) << i;
    }
  }
  EXPECT_EQ(loads, 10);
  EXPECT_EQ(evictions, 9);
  EXPECT_DOUBLE_EQ(load_time, 5 * 0.040 + 5 * 0.010);

  // With room for both each loads once.
  c.edge_memory_bytes = 50;
  p = make_policy(SystemKind::infaas, c);
  loads = 0;
  evictions = 0;
  for (int i = 0; i < 10; ++i) {
    const bool high = i % 2 == 0;
    const Route r = high ? p->route(2, no_deadline) : p->route(0, 0.020);
    ASSERT_EQ(r.edge_variant, high ? 2 : 0) << i;
    EXPECT_EQ(r.load_s > 0, i < 2) << i;
    loads += r.load_s > 0;
    evictions += int(r.evicted.size());
  }
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(evictions, 0);
}

TEST(ServingPolicy, InfaasRespectsEdgeMemoryAndFallsBackToTheMostAccurate) {
  PolicyConfig c = config();
  c.edge_memory_bytes = 30;  // medium (40) cannot be loaded
  auto p = make_policy(SystemKind::infaas, c);
  Route r = p->route(2, no_deadline);
  EXPECT_EQ(r.edge_variant, -1);
  EXPECT_EQ(r.dc_variant, 2);

  // Large runs at the edge and fits: the 0.99 fallback loads it there, flagged.
  c = config();
  c.pool[3].edge_latency_s = 0.050;
  c.edge_memory_bytes = 100;
  p = make_policy(SystemKind::infaas, c);
  r = p->route(4, no_deadline);
  EXPECT_EQ(r.edge_variant, 3);
  EXPECT_EQ(r.dc_variant, -1);
  EXPECT_EQ(r.load_s, 0.080);
  EXPECT_FALSE(r.accuracy_expected);

  // No DC variant meets 0.88 but medium does at the edge: it runs there though it misses the deadline.
  c = config();
  for (auto& v : c.pool) v.dc_latency_s = v.accuracy < 0.85 ? v.dc_latency_s : -1;
  p = make_policy(SystemKind::infaas, c);
  r = p->route(2, 0.001);
  EXPECT_EQ(r.edge_variant, 2);
  EXPECT_TRUE(r.accuracy_expected);
}

TEST(ServingPolicy, InfaasIsDeterministic) {
  auto a = make_policy(SystemKind::infaas, config());
  auto b = make_policy(SystemKind::infaas, config());
  const int tiers[] = {0, 2, 1, 1, 3, 0, 2, 4, 1, 0, 2, 2};
  const double deadlines[] = {no_deadline, 0.05, 0.02, no_deadline, 0.03, 0.015};
  for (int i = 0; i < 60; ++i) {
    const Route x = a->route(tiers[i % 12], deadlines[i % 6]);
    const Route y = b->route(tiers[i % 12], deadlines[i % 6]);
    EXPECT_EQ(x.edge_variant, y.edge_variant);
    EXPECT_EQ(x.dc_variant, y.dc_variant);
    EXPECT_EQ(x.load_s, y.load_s);
    EXPECT_EQ(x.evicted, y.evicted);
  }
}

std::string invalid_message(SystemKind kind, const PolicyConfig& c) {
  try {
    make_policy(kind, c);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected std::invalid_argument";
  return "";
}

TEST(ServingPolicy, MakePolicyValidatesTheConfig) {
  PolicyConfig c = config();
  c.edge_model = 4;
  EXPECT_NE(invalid_message(SystemKind::edge_only, c).find("edge_model 4 out of range"), std::string::npos);
  c = config();
  c.dc_model = -1;
  EXPECT_NE(invalid_message(SystemKind::hawkvision, c).find("dc_model -1 out of range"), std::string::npos);
  c = config();
  c.tier_threshold.pop_back();
  EXPECT_NE(invalid_message(SystemKind::hawkvision, c).find("4 tier thresholds for 5 tiers"), std::string::npos);
  EXPECT_THROW(make_policy(SystemKind::dc_only, c), std::invalid_argument);
  c.tier_threshold.clear();  // only HawkVision needs thresholds
  EXPECT_NO_THROW(make_policy(SystemKind::dc_only, c));
  EXPECT_NO_THROW(make_policy(SystemKind::infaas, c));
  EXPECT_NO_THROW(make_policy(SystemKind::edge_only, c));
  EXPECT_NE(invalid_message(SystemKind::hawkvision, c).find("one confidence threshold per tier"), std::string::npos);
  c = config();
  c.edge_memory_bytes = 0;
  EXPECT_NE(invalid_message(SystemKind::infaas, c).find("edge_memory_bytes"), std::string::npos);
  EXPECT_NO_THROW(make_policy(SystemKind::dc_only, c));
  c = config();
  c.edge_model = 3;  // large cannot run at the edge
  EXPECT_NE(invalid_message(SystemKind::edge_only, c).find("cannot run at the edge"), std::string::npos);
  c = config();
  c.pool.clear();
  EXPECT_NE(invalid_message(SystemKind::dc_only, c).find("pool is empty"), std::string::npos);
  c = config();
  c.tier_accuracy.clear();
  c.tier_threshold.clear();
  EXPECT_THROW(make_policy(SystemKind::infaas, c), std::invalid_argument);
}

}  // namespace
}  // namespace cs::serving
