#pragma once
// Runs a SimGrid engine to its end or to the scenario's `until`, and turns what SimGrid would
// let pass silently into errors.
#include <functional>
#include <simgrid/s4u.hpp>

#include "scenario/scenario.hpp"

namespace cs {

// Runs `engine` until every actor ended, or until scenario.until_s (> 0), where actors still
// blocked are ended before the run's state goes. Throws std::runtime_error with one line
// naming blocked actors when the simulation cannot make progress (a deadlock, which SimGrid
// would end as if it had completed): a modelling error, exit 1. `at_cut` runs at `until`, before
// anything is ended.
void run_engine(simgrid::s4u::Engine& engine, const Scenario& scenario, const std::function<void()>& at_cut = {});

}  // namespace cs
