#pragma once
// Writes a run's files so that a reader never sees a half-written result: every file goes
// to a temporary name first, and only when every one is written in full are they renamed into
// place, summary.json last, so its presence means the run is complete. A previous result in the
// folder is replaced: its own files (those its summary lists) go, nothing else does. A failed write (a full
// disk) removes every temporary it made and throws std::runtime_error with a one-line message.
#include <string>
#include <vector>

#include "table.hpp"

namespace cs {

// `trace_json`, when not empty, becomes trace.json. `extra_path`, when not empty, receives
// `extra_content` in the same all-or-nothing step (the `--trace FILE` of `clustersim run`).
void write_result_dir(const std::string& dir, const std::string& summary_json, const std::vector<Table>& tables,
                      const std::string& trace_json = {}, const std::string& extra_path = {},
                      const std::string& extra_content = {});
// The files a sweep runner (scripts/cslib/runner.py, backends.py) puts into a run's folder
// around clustersim: never a reason to refuse the folder, never touched.
inline constexpr const char* sweep_runner_files[] = {"run.json", "stderr.txt", "exit_code"};

// Throws BadInput (one line naming `dir`) unless `dir` may take a result: missing, empty but
// for sweep_runner_files, or holding a previous clustersim result (its summary.json). Over a
// previous result, a name in `will_write` that is there must be one of that result's files:
// clustersim replaces its own files and never anything else.
void check_result_dir(const std::string& dir, const std::vector<std::string>& will_write = {});

// A previous run's own files in `dir`, as its summary.json lists them ("files", "trace"); empty
// when the folder holds no clustersim result. Plain names only.
std::vector<std::string> previous_result_files(const std::string& dir);

// One file, through a temporary name, for outputs that live outside a result directory.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace cs
