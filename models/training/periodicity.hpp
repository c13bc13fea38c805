#pragma once
// Fast-forward for data-parallel training: when may a job's remaining iterations be advanced
// analytically, and by how many? Pure arithmetic on iteration end times; the simulation
// (sim/training/fast_forward.*) supplies them and decides whether the job runs alone.
//
// The argument. A job whose resources (links on its routes, its hosts) no other active job
// uses, with no jitter and no traces, is a deterministic system whose next iteration depends
// only on the ranks' relative phases at the start of the iteration. If every rank's last two
// iteration durations are equal, the phases repeated, so every later iteration repeats too,
// until an event (a job's arrival, the run's end) changes what competes with it.
#include <cstdint>
#include <optional>
#include <span>

namespace cs::training {

// Relative tolerance on "equal" iteration durations. Event times are sums of doubles, so a
// truly periodic job's durations differ by a few ulps of the clock (1e-16 relative); 1e-9
// is far above that and far below any difference the model itself produces.
inline constexpr double periodicity_tolerance = 1e-9;

// Number of past iterations each rank must have ended since the last event: the first
// iteration after an event still carries the phases the event left behind.
inline constexpr int periodicity_history = 3;

// `ends` holds, for each rank, its last periodicity_history iteration end times in order
// (ends[r * periodicity_history + i]). Returns the common period when every rank's two
// durations agree with rank 0's first duration within periodicity_tolerance.
std::optional<double> common_period(std::span<const double> ends, std::size_t ranks);

// How many iterations to skip, starting at the beginning of the iteration that starts at
// `next_start_s` (the end of the iteration in flight, predicted as `period` after the one
// that just ended), so that the skipped window ends no later than `horizon_s` (the next event)
// and at least the job's last iteration is still simulated (`remaining` iterations from
// next_start_s's on, the last one exact).
long long skippable_iterations(double next_start_s, double period, double horizon_s, long long remaining);

}  // namespace cs::training
