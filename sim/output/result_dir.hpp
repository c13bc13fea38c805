#pragma once
// Writes a run's files so that a reader never sees a half-written result: every file goes
// to a temporary name first and is renamed into place; summary.json is renamed last, so its
// presence means the run is complete.
#include <string>
#include <vector>

#include "table.hpp"

namespace cs {

void write_result_dir(const std::string& dir, const std::string& summary_json, const std::vector<Table>& tables);

}  // namespace cs
