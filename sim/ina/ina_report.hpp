#pragma once
// Reports of the INA part of a run: per job (collisions, preemptions, where bytes were
// summed), per switch (memory occupancy, useful vs idle-held aggregator time).
#include <nlohmann/json.hpp>

#include "ina/ina_run.hpp"
#include "output/table.hpp"

namespace cs::ina_sim {

Table ina_jobs_table(const InaRun& run);
Table switches_table(const InaRun& run, double duration);
nlohmann::json ina_metrics(const InaRun& run, double duration);

}  // namespace cs::ina_sim
