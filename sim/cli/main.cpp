// clustersim: the command line. `run` simulates a scenario and writes its results,
// `validate` only checks scenario files, `models` lists the model table and the registries'
// alternatives, `compress` measures a compression scheme alone.
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <new>
#include <xbt/base.h>  // before simgrid/version.h, which needs its macros
#include <simgrid/version.h>

#include "cli/commands.hpp"
#include "compression/scheme.hpp"
#include "core/text.hpp"
#include "ina/policy_registry.hpp"
#include "serving/arrivals.hpp"
#include "scenario/scenario.hpp"
#include "scenario/topology_kinds.hpp"
#include "serving/policy.hpp"
#include "training/model_zoo.hpp"
#include "version.hpp"

namespace po = boost::program_options;
using namespace cs;
using cli::UsageError;

namespace {

// The short usage (no arguments, `help`), then the commands with their one-line purpose.
constexpr const char* usage_text = R"(Usage: clustersim COMMAND [ARGUMENT]... [OPTION]...
  or:  clustersim --version
Simulates compute clusters (training, in-network aggregation, compression, inference) on SimGrid.

Commands:
  clustersim run FILE [options]           simulate the scenario FILE, write its results to a folder
  clustersim validate FILE... [options]   check scenario files without running them
  clustersim models                       the model table and every registry's alternatives
  clustersim topologies                   the kinds /platform/topology/kind takes
  clustersim compress [options]           one compression scheme on synthetic vectors (one JSON object)
  clustersim compress --calibrate         every scheme's per-coordinate costs, as a cost profile
  clustersim help [COMMAND]               this help, or one command's

Exit codes: 0 success, 2 bad input (scenario, overrides, command line), 1 any other failure.)";

std::string usage() { return usage_text; }

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

// A command that takes options only (--help); `what` is its one-line help.
po::variables_map options_only(std::string_view command, const std::vector<std::string>& args, std::string_view what) {
  for (const auto& a : args)
    if (a.empty() || a[0] != '-') throw UsageError(fmt::format("{} takes no arguments, got \"{}\"", command, a));
  po::options_description options(fmt::format("{} options", command));
  options.add_options()("help,h", "this help");
  po::variables_map vm = cli::parse_options(args, options);
  if (vm.count("help")) cli::print_help(fmt::format("clustersim {}", command), what, options);
  return vm;
}

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description options("validate options");
  std::vector<std::string> sets, files;
  options.add_options()("set", po::value(&sets)->value_name("POINTER=VALUE"),
                        "override one scenario value by its JSON pointer, as for run (repeatable)")("help,h", "this help");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&files));
  po::positional_options_description positional;
  positional.add("file", -1);
  const po::variables_map vm = cli::parse_options(args, options, hidden, positional);
  if (vm.count("help")) {
    cli::print_help("clustersim validate FILE... [options]",
                    "Checks scenario files without running them: one line per file, exit 2 if any is bad.", options);
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

int cmd_models(const std::vector<std::string>& args) {
  if (options_only("models", args, "Lists the model table and every registry's alternatives.").count("help"))
    return exit_code::ok;
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
  list("/workload/arrivals/process (inference):", serving::arrival_processes());
  return exit_code::ok;
}

int cmd_topologies(const std::vector<std::string>& args) {
  if (options_only("topologies", args, "Lists the kinds /platform/topology/kind takes.").count("help"))
    return exit_code::ok;
  for (const auto* k : topology_kinds().entries()) fmt::print("{:<12} {}\n", k->name, k->description);
  return exit_code::ok;
}

struct Command {
  std::string_view name;
  int (*run)(const std::vector<std::string>& args, const std::vector<std::string>& command_line);
};

// `help` has no entry: it prints the others' help.
const Command commands[] = {
    {"run", [](const auto& args, const auto& command_line) { return cli::cmd_run(args, command_line); }},
    {"validate", [](const auto& args, const auto&) { return cmd_validate(args); }},
    {"models", [](const auto& args, const auto&) { return cmd_models(args); }},
    {"topologies", [](const auto& args, const auto&) { return cmd_topologies(args); }},
    {"compress", [](const auto& args, const auto&) { return cli::cmd_compress(args); }},
};

const Command* find_command(std::string_view name) {
  for (const auto& c : commands)
    if (c.name == name) return &c;
  return nullptr;
}

[[noreturn]] void unknown_command(std::string_view name) {
  std::vector<std::string_view> names{"help"};
  for (const auto& c : commands) names.push_back(c.name);
  throw UsageError(fmt::format("unknown command \"{}\"{}", name, did_you_mean(name, names)));
}

// `clustersim help`: the usage, then every command's own help (help2man makes the man page of it);
// `clustersim help COMMAND`: that command's.
int help(const std::vector<std::string>& args) {
  if (args.size() > 1) throw UsageError("help takes at most one command name");
  if (!args.empty()) {
    const Command* c = find_command(args[0]);
    if (!c) unknown_command(args[0]);
    return c->run({"--help"}, {});
  }
  fmt::print("{}\n\n", usage());
  for (const auto& c : commands) c.run({"--help"}, {});
  return exit_code::ok;
}

}  // namespace

std::string cs::cli::simgrid_version() {
  int major = 0, minor = 0, patch = 0;
  sg_version_get(&major, &minor, &patch);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

int main(int argc, char** argv) {
  const std::vector<std::string> command_line(argv, argv + argc);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command;  // for the pointer to its help after a mistake
  try {
    if (args.empty()) {
      fmt::print("{}\n", usage());
      return exit_code::bad_input;
    }
    if (args[0] == "--version") {
      fmt::print("clustersim {} ({}), SimGrid {}\n", CLUSTERSIM_VERSION, CLUSTERSIM_GIT_COMMIT, cli::simgrid_version());
      return exit_code::ok;
    }
    const std::string first = args[0];
    args.erase(args.begin());
    if (first == "help" || first == "--help" || first == "-h") return help(args);
    const Command* c = find_command(first);
    if (!c) unknown_command(first);
    command = first;
    return c->run(args, command_line);
  } catch (const BadInput& e) {
    fmt::print(stderr, "error: {}\n", one_line(e.what()));
    return exit_code::bad_input;
  } catch (const UsageError& e) {
    fmt::print(stderr, "error: {}; see clustersim {}\n", one_line(e.what()), command.empty() ? "help" : command + " --help");
    return exit_code::bad_input;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "error: out of memory\n");
    return exit_code::failure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", one_line(e.what()));
    return exit_code::failure;
  }
}
