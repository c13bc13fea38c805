// run_engine: a simulation that cannot make progress is an error naming what is blocked, never a
// run that seems to have completed.
#include <gtest/gtest.h>

#include "platform/build.hpp"
#include "run/engine.hpp"
#include "sim_fixture.hpp"

namespace cs {
namespace {

// Two actors waiting for messages nobody sends: SimGrid's deadlock, which it would end as a
// completed run.
nlohmann::json run_deadlocked(const char* until) {
  return testing::run_in_child([&] {
    nlohmann::json d = testing::star_scenario(2, "10Gbps", "5us");
    d["workload"]["jobs"] = nlohmann::json::array(
        {{{"name", "j"}, {"gradient_size", "1MB"}, {"workers", {"host0", "host1"}}, {"aggregation", "ring"}, {"iterations", 1}, {"compute", "1ms"}}});
    if (until) d["until"] = until;
    Scenario s = parse_scenario(d, "test.json");
    testing::TestEngine test_engine;
    auto& engine = test_engine.engine;
    Platform p = build_platform(s.platform);
    for (const char* who : {"host0", "host1"})
      simgrid::s4u::Actor::create(std::string("waiter-") + who, p.host(who), [who] {
        simgrid::s4u::this_actor::sleep_for(0.5);
        simgrid::s4u::Mailbox::by_name(who)->get<int>();  // nobody ever sends
      });
    try {
      run_engine(engine, s);
    } catch (const std::runtime_error& e) {
      return nlohmann::json{{"error", e.what()}, {"clock", simgrid::s4u::Engine::get_clock()}};
    }
    return nlohmann::json{{"error", ""}, {"clock", simgrid::s4u::Engine::get_clock()}};
  });
}

TEST(Engine, ADeadlockIsAnErrorNamingTheBlockedActors) {
  const auto r = run_deadlocked(nullptr);
  const std::string e = r["error"];
  EXPECT_NE(e.find("cannot make progress at t = 0.5 s: 2 actors wait forever"), std::string::npos) << e;
  EXPECT_NE(e.find("waiter-host0 on host0"), std::string::npos) << e;
  EXPECT_NE(e.find("waiter-host1 on host1"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line";
}

// Under `until`, actors blocked at the cut are the cut's unfinished work (reported as such by
// each workload), whether or not they could ever have gone on: SimGrid's run_until advances the
// clock to the cut without signalling a deadlock. The run ends cleanly at the cut.
TEST(Engine, UnderUntilBlockedActorsEndAtTheCut) {
  for (const char* cut : {"0.25s", "2s"}) {
    const auto r = run_deadlocked(cut);
    EXPECT_EQ(r["error"], "") << cut;
    EXPECT_DOUBLE_EQ(r["clock"].get<double>(), cut == std::string("2s") ? 2.0 : 0.25) << cut;
  }
}

}  // namespace
}  // namespace cs
