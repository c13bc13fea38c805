// `clustersim run`: one scenario, simulated; its results written to a folder (summary.json with
// the run's record, the tables, the timeline); each workload's headline printed.
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/progress_bar.hpp"
#include "output/result_dir.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"
#include "version.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

namespace cs::cli {
namespace {

// Output locations are checked, and created, before the simulation runs: a result that cannot
// be written is bad input (exit 2), found in milliseconds rather than after the run. Folders
// made here are removed again (when still empty) if the run does not complete.
class OutputPlaces {
 public:
  OutputPlaces() = default;
  OutputPlaces(const OutputPlaces&) = delete;
  OutputPlaces& operator=(const OutputPlaces&) = delete;
  ~OutputPlaces() {
    if (done_) return;
    std::error_code ignored;
    for (auto d = created_.rbegin(); d != created_.rend(); ++d) fs::remove(*d, ignored);  // only if empty
  }
  void done() { done_ = true; }

  // A folder that is, or can become, a writable directory.
  void directory(const std::string& option, const std::string& dir) {
    auto bad = [&](const std::string& problem) { return BadInput(fmt::format("{} {}: {}", option, dir, problem)); };
    if (dir.find('\0') != std::string::npos) throw bad("the path contains a NUL character");
    std::error_code ec;
    const fs::path path(dir);
    // The folders to create, deepest last, and the first one that exists.
    std::vector<fs::path> missing;
    fs::path existing = path;
    while (!existing.empty() && !fs::exists(fs::symlink_status(existing, ec))) {
      missing.push_back(existing);
      if (!existing.has_parent_path() || existing.parent_path() == existing) {
        existing.clear();
        break;
      }
      existing = existing.parent_path();
    }
    if (existing.empty()) existing = ".";
    if (!fs::is_directory(existing, ec))
      throw bad(existing == path ? std::string("exists and is not a directory")
                                 : fmt::format("{} is not a directory", existing.string()));
    for (auto d = missing.rbegin(); d != missing.rend(); ++d) {
      if (!fs::create_directory(*d, ec) && ec) throw bad(fmt::format("cannot create {} ({})", d->string(), ec.message()));
      created_.push_back(*d);
    }
    // Writable: try it (root passes access() checks that a read-only file system then refuses).
    const fs::path probe = path / (".clustersim-probe.tmp" + std::to_string(::getpid()));
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw bad(fmt::format("cannot write there ({})", std::strerror(errno)));
    ::close(fd);
    fs::remove(probe, ec);
  }

  // A file that can be written (its folder as above; not a directory itself).
  void file(const std::string& option, const std::string& file) {
    std::error_code ec;
    if (fs::is_directory(file, ec)) throw BadInput(fmt::format("{} {}: is a directory, not a file", option, file));
    const fs::path parent = fs::path(file).parent_path();
    directory(option, parent.empty() ? std::string(".") : parent.string());
  }

 private:
  std::vector<fs::path> created_;
  bool done_ = false;
};

struct RunArgs {
  std::vector<std::string> sets, files;
  std::string out, trace_file;
};

po::options_description run_options(RunArgs& a) {
  po::options_description o("run options");
  o.add_options()("set", po::value(&a.sets)->value_name("POINTER=VALUE"),
                  "override one scenario value by its JSON pointer, e.g. --set /seed=7 (repeatable)")(
      "out", po::value(&a.out)->value_name("DIR"),
      "the result folder (default out/<scenario name>): new, empty, or holding a previous clustersim result, "
      "whose own files are replaced")("quiet,q", "no progress bar, no headline")(
      "trace", po::value(&a.trace_file)->value_name("FILE"),
      "also write the run's timeline as Chrome trace-event JSON (for Perfetto)")("help,h", "this help");
  return o;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

// The scenario's name and description, the overrides applied, then each workload's headline
// metrics under its name (when there are several) and the run's own.
void print_headline(const Scenario& s, const std::vector<std::string>& sets, const RunOutput& r,
                    const std::string& out_dir) {
  fmt::print("{}: {}\n", s.name, s.description);
  if (!sets.empty()) {
    std::string applied;
    for (const auto& set : sets) applied += " --set " + set;
    fmt::print("  overrides:{}\n", applied);
  }
  auto print = [&](const std::vector<std::string>& metrics, std::string_view indent) {
    for (const auto& m : metrics) {
      const std::string shown = m.substr(m.find('/') + 1);  // without "<workload>/" under its heading
      fmt::print("{}{:<28} {}\n", indent, shown, r.metrics.contains(m) ? r.metrics[m].dump() : std::string("n/a"));
    }
  };
  const bool several = r.headlines.size() > 1;
  for (const auto& h : r.headlines) {
    if (several) fmt::print("  {} ({}):\n", h.workload, h.kind);
    print(h.metrics, several ? "    " : "  ");
  }
  print(r.run_headline, "  ");
  fmt::print("results in {}/summary.json\n", out_dir);
}

}  // namespace

int cmd_run(const std::vector<std::string>& args, const std::vector<std::string>& command_line) {
  RunArgs a;
  const po::options_description options = run_options(a);
  po::options_description hidden;
  hidden.add_options()("file", po::value(&a.files));
  po::positional_options_description positional;
  positional.add("file", -1);
  const po::variables_map vm = parse_options(args, options, hidden, positional);
  if (vm.count("help")) {
    print_help("clustersim run FILE [options]", "Simulates the scenario FILE and writes its results to a folder.",
               options);
    return exit_code::ok;
  }
  if (a.files.size() != 1) throw UsageError("run takes exactly one scenario file");
  if (vm.count("trace") && a.trace_file.empty()) throw UsageError("--trace needs a file name");
  const std::string started = utc_now();
  Scenario scenario = load_scenario(a.files[0], a.sets);
  std::string out = a.out.empty() ? "out/" + scenario.name : a.out;
  const bool quiet = vm.count("quiet") > 0;
  check_result_dir(out);
  OutputPlaces places;
  places.directory("--out", out);
  if (!a.trace_file.empty()) places.file("--trace", a.trace_file);

  auto wall_start = std::chrono::steady_clock::now();
  RunOutput result;
  {
    ProgressBar bar(!quiet);
    ProgressCallback progress;
    if (!quiet) progress = [&](double t, double f) { bar.update(t, f); };
    result = run_simulation(scenario, progress, !a.trace_file.empty());
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  std::vector<std::string> written;
  json files_written = json::array();
  for (const auto& t : result.tables) written.push_back(t.name + ".csv"), files_written.push_back(t.name + ".csv");
  // The run's record, apart from the results (which stay byte-identical between runs).
  json run = {{"command_line", command_line},
              {"overrides", a.sets},
              {"started_utc", started},
              {"host", host_name()},
              {"wall_clock_s", wall},
              {"simulated_activities", result.activities},
              {"activities_per_wall_s", wall > 0 ? double(result.activities) / wall : 0.0},
              {"simulated_packets", result.packets},
              {"packets_per_wall_s", wall > 0 ? double(result.packets) / wall : 0.0}};
  json traces = json::array();
  if (scenario.outputs.trace) traces.push_back("trace.json"), written.push_back("trace.json");
  if (!a.trace_file.empty()) traces.push_back(fs::absolute(a.trace_file).lexically_normal().string());
  if (!traces.empty()) run["trace_files"] = traces;
  // Inference runs: simulated requests per wall second (the speed target is stated in these).
  if (result.metrics.contains("requests"))
    run["requests_per_wall_s"] = wall > 0 ? result.metrics["requests"].get<double>() / wall : 0.0;
  json summary = {
      {"clustersim", {{"version", CLUSTERSIM_VERSION}, {"commit", CLUSTERSIM_GIT_COMMIT}}},
      {"simgrid_version", simgrid_version()},
      {"scenario_file", scenario.file},
      {"seed", scenario.seed},
      {"scenario", scenario.resolved},
      {"run", run},
      {"metrics", result.metrics},
      {"info", result.info},
      {"files", files_written},
  };
  if (scenario.outputs.trace) summary["trace"] = "trace.json";
  // The folder may have changed during the run; and the tables are known only now.
  written.push_back("summary.json");
  check_result_dir(out, written);
  // The result folder and the --trace file are written as one: all of them or none.
  write_result_dir(out, summary.dump(2) + "\n", result.tables, scenario.outputs.trace ? result.trace : std::string(),
                   a.trace_file, result.trace);
  places.done();
  if (!quiet) print_headline(scenario, a.sets, result, out);
  return exit_code::ok;
}

}  // namespace cs::cli
