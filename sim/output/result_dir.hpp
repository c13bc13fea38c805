#pragma once
// Writes a run's files so that a reader never sees a half-written result: every file goes
// to a temporary name first and is renamed into place; summary.json is renamed last, so its
// presence means the run is complete.
#include <string>
#include <vector>

#include "table.hpp"

namespace cs {

// `trace_json`, when not empty, becomes trace.json.
void write_result_dir(const std::string& dir, const std::string& summary_json, const std::vector<Table>& tables,
                      const std::string& trace_json = {});
// One file, through a temporary name, for outputs that live outside a result directory.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace cs
