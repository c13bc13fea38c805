// clustersim: the command line. `run` simulates a scenario and writes its results,
// `validate` only checks scenario files, `models` lists the model table and the registries'
// alternatives, `compress` measures a compression scheme alone.
#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <new>
#include <unistd.h>
#include <fmt/format.h>
#include <iostream>
#include <xbt/base.h>
#include <simgrid/version.h>

#include "cli/commands.hpp"
#include "cli/progress_bar.hpp"
#include "compression/scheme.hpp"
#include "ina/policy_registry.hpp"
#include "output/result_dir.hpp"
#include "run/simulation.hpp"
#include "scenario/arrival_processes.hpp"
#include "scenario/scenario.hpp"
#include "scenario/topology_kinds.hpp"
#include "serving/policy.hpp"
#include "core/text.hpp"
#include "training/model_zoo.hpp"
#include "version.hpp"

namespace po = boost::program_options;
using namespace cs;

namespace {

// The scheme names come from the compression registry ({schemes}).
constexpr const char* usage_format = R"(usage:
  clustersim run FILE [--set /json/pointer=value]... [--out DIR] [--quiet] [--trace TRACE.json]
                      (--trace: the run's timeline as Chrome trace-event JSON, for Perfetto)
  clustersim validate FILE... [--set /json/pointer=value]...
  clustersim models
  clustersim topologies   (the platform.topology kinds)
  clustersim compress [--scheme {schemes}] [--bits B] [--granularity G] [--clip P]
                      [--topk-ratio R] [--qsgd-levels S] [--workers N] [--dim D] [--dist gaussian|lognormal]
                      [--seed S] [--rounds R]   (one scheme on synthetic vectors; prints one JSON object)
  clustersim compress --calibrate [--machine TEXT]   (per-coordinate costs of every scheme, as a cost profile)
  clustersim --version
exit codes: 0 success, 2 bad input (scenario, overrides, command line), 1 any other failure)";

std::string usage() { return fmt::format(fmt::runtime(usage_format), fmt::arg("schemes", compression::schemes().listing("|"))); }

using cli::UsageError;

std::string simgrid_version() {
  int major = 0, minor = 0, patch = 0;
  sg_version_get(&major, &minor, &patch);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

namespace fs = std::filesystem;

// Every error is one line on stderr, whatever a file name or a JSON string holds.
std::string one_line(std::string_view message) {
  std::string out;
  const bool utf8 = valid_utf8(message);  // otherwise bytes above 0x7f are escaped too
  for (char c : message) {
    const auto u = static_cast<unsigned char>(c);
    if (!utf8 && u >= 0x80) out += fmt::format("\\x{:02x}", u);
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  return out;
}

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

void print_headline(const Scenario& s, const json& metrics, const std::string& out_dir) {
  fmt::print("{}: {}\n", s.name, s.description);
  for (const char* key : {"jobs_completed", "jct_mean_s", "jct_p99_s", "makespan_s", "iteration_time_mean_s",
                          "network_payload_bytes", "energy_j"})
    if (metrics.contains(key)) fmt::print("  {:<24} {}\n", key, metrics[key].dump());
  fmt::print("results in {}/summary.json\n", out_dir);
}

int cmd_run(const std::vector<std::string>& args) {
  po::options_description opts;
  std::vector<std::string> sets, files;
  std::string out, trace_file;
  opts.add_options()("set", po::value(&sets), "override")("out", po::value(&out), "output directory")(
      "quiet,q", "no progress bar, no headline")("trace", po::value(&trace_file), "timeline file")(
      "file", po::value(&files))("help,h", "this usage");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    fmt::print("{}\n", usage());
    return exit_code::ok;
  }
  if (files.size() != 1) throw UsageError("run takes exactly one scenario file");
  if (vm.count("trace") && trace_file.empty()) throw UsageError("--trace needs a file name");
  Scenario scenario = load_scenario(files[0], sets);
  if (out.empty()) out = "out/" + scenario.name;
  const bool quiet = vm.count("quiet") > 0;
  OutputPlaces places;
  places.directory("--out", out);
  if (!trace_file.empty()) places.file("--trace", trace_file);

  auto wall_start = std::chrono::steady_clock::now();
  RunOutput result;
  {
    ProgressBar bar(!quiet);
    ProgressCallback progress;
    if (!quiet) progress = [&](double t, double f) { bar.update(t, f); };
    result = run_simulation(scenario, progress, !trace_file.empty());
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  json files_written = json::array();
  for (const auto& t : result.tables) files_written.push_back(t.name + ".csv");
  json summary = {
      {"clustersim", {{"version", CLUSTERSIM_VERSION}, {"commit", CLUSTERSIM_GIT_COMMIT}}},
      {"simgrid_version", simgrid_version()},
      {"scenario_file", scenario.file},
      {"seed", scenario.seed},
      {"scenario", scenario.resolved},
      {"run",
       {{"wall_clock_s", wall},
        {"simulated_activities", result.activities},
        {"activities_per_wall_s", wall > 0 ? double(result.activities) / wall : 0.0},
        {"simulated_packets", result.packets},
        {"packets_per_wall_s", wall > 0 ? double(result.packets) / wall : 0.0}}},
      {"metrics", result.metrics},
      {"info", result.info},
      {"files", files_written},
  };
  if (scenario.outputs.trace) summary["trace"] = "trace.json";
  // Inference runs: simulated requests per wall second (the speed target is stated in these).
  if (result.metrics.contains("requests"))
    summary["run"]["requests_per_wall_s"] = wall > 0 ? result.metrics["requests"].get<double>() / wall : 0.0;
  // The result folder and the --trace file are written as one: all of them or none.
  write_result_dir(out, summary.dump(2) + "\n", result.tables, scenario.outputs.trace ? result.trace : std::string(),
                   trace_file, result.trace);
  places.done();
  if (!quiet) print_headline(scenario, result.metrics, out);
  return exit_code::ok;
}

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description opts;
  std::vector<std::string> sets, files;
  opts.add_options()("set", po::value(&sets), "override")("file", po::value(&files))("help,h", "this usage");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    fmt::print("{}\n", usage());
    return exit_code::ok;
  }
  if (files.empty()) throw UsageError("validate takes one or more scenario files");
  int status = exit_code::ok;
  for (const auto& f : files) {
    try {
      Scenario s = load_scenario(f, sets);
      fmt::print("{}: ok ({})\n", f, s.name);
    } catch (const BadInput& e) {
      fmt::print(stderr, "error: {}\n", one_line(e.what()));
      status = exit_code::bad_input;
    }
  }
  return status;
}

int cmd_models() {
  fmt::print("{:<12} {:>14} {:>16}  source\n", "model", "parameters", "fp32 gradient");
  for (const auto& m : model_zoo())
    fmt::print("{:<12} {:>14.4g} {:>16}  {}\n", m.name, m.parameters,
               format_quantity(fp32_gradient_bytes(m), Dimension::size), m.source);
  // Every registry's alternatives, with the scenario field that names one.
  auto list = [](std::string_view title, const auto& registry) {
    fmt::print("\n{}\n", title);
    for (const auto* e : registry.entries()) fmt::print("  {:<10} {}\n", e->name, e->description);
  };
  list("/policies/switch_allocation:", ina::policies());
  list("/workload/system (inference):", serving::systems());
  list("/workload/compression/scheme:", compression::schemes());
  list("/workload/arrivals/process (inference):", arrival_processes());
  return exit_code::ok;
}

int cmd_topologies() {
  for (const auto* k : topology_kinds().entries()) fmt::print("{:<12} {}\n", k->name, k->description);
  return exit_code::ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      fmt::print("{}\n", usage());
      return args.empty() ? exit_code::bad_input : exit_code::ok;
    }
    if (args[0] == "--version") {
      fmt::print("clustersim {} ({}), SimGrid {}\n", CLUSTERSIM_VERSION, CLUSTERSIM_GIT_COMMIT, simgrid_version());
      return exit_code::ok;
    }
    std::string command = args[0];
    args.erase(args.begin());
    if (command == "help") {
      fmt::print("{}\n", usage());
      return exit_code::ok;
    }
    // The listings take no arguments: an option given to them is a mistake, not to be ignored.
    if ((command == "models" || command == "topologies") && !args.empty())
      throw UsageError(fmt::format("{} takes no arguments, got \"{}\"", command, args[0]));
    if (command == "run") return cmd_run(args);
    if (command == "validate") return cmd_validate(args);
    if (command == "models") return cmd_models();
    if (command == "topologies") return cmd_topologies();
    if (command == "compress") return cli::cmd_compress(args);
    static constexpr std::string_view commands[] = {"run", "validate", "models", "topologies", "compress", "help"};
    throw UsageError(fmt::format("unknown command \"{}\"{}", command, did_you_mean(command, commands)));
  } catch (const BadInput& e) {
    fmt::print(stderr, "error: {}\n", one_line(e.what()));
    return exit_code::bad_input;
  } catch (const UsageError& e) {
    fmt::print(stderr, "error: {}\n{}\n", one_line(e.what()), usage());
    return exit_code::bad_input;
  } catch (const po::error& e) {
    fmt::print(stderr, "error: {}\n{}\n", one_line(e.what()), usage());
    return exit_code::bad_input;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "error: out of memory\n");
    return exit_code::failure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", one_line(e.what()));
    return exit_code::failure;
  }
}
