#include "run/engine.hpp"

#include <fmt/format.h>
#include <stdexcept>
#include <string>

namespace cs {
namespace sg4 = simgrid::s4u;
namespace {

// A simulation whose actors all wait for one another cannot make progress: SimGrid then ends
// the run as if it had completed. Its deadlock signal is process-wide and cannot be
// disconnected, so it reports to the current run through this pointer.
std::string* deadlock_report = nullptr;

void watch_for_deadlock() {
  static bool connected = false;
  if (connected) return;
  connected = true;
  sg4::Engine::on_deadlock_cb([] {
    if (!deadlock_report) return;
    const auto actors = sg4::Engine::get_instance()->get_all_actors();
    std::string names;
    for (size_t i = 0; i < actors.size() && i < 4; ++i)
      names += fmt::format("{}{} on {}", i ? ", " : "", actors[i]->get_name(), actors[i]->get_host()->get_name());
    if (actors.size() > 4) names += ", ...";
    *deadlock_report = fmt::format("the simulation cannot make progress at t = {:g} s: {} actor{} wait{} forever ({})",
                                   sg4::Engine::get_clock(), actors.size(), actors.size() == 1 ? "" : "s",
                                   actors.size() == 1 ? "s" : "", names);
  });
}

}  // namespace

void run_engine(sg4::Engine& engine, const Scenario& scenario, const std::function<void()>& at_cut) {
  std::string report;
  deadlock_report = &report;
  struct Reset {
    ~Reset() { deadlock_report = nullptr; }
  } reset;
  watch_for_deadlock();
  if (scenario.until_s > 0) {
    engine.run_until(scenario.until_s);
    if (at_cut) at_cut();
    // Actors still blocked at `until` wait on semaphores and mailboxes that the run's state
    // owns, and SimGrid aborts when such a semaphore is destroyed: end them all, at `until`,
    // before the state goes. (Actor::kill_all must be called from an actor.)
    if (engine.get_actor_count() > 0) {
      sg4::Actor::create("until", engine.get_all_hosts().front(), [] { sg4::Actor::kill_all(); });
      engine.run_until(sg4::Engine::get_clock());
    }
  } else {
    engine.run();
  }
  // Not bad input (load_scenario accepted it): a modelling error, exit 1 with one line.
  if (!report.empty()) throw std::runtime_error(report);
}

}  // namespace cs
