#pragma once
// The CLI's commands that live in files of their own, and the option parsing they share.
#include <boost/program_options.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cs::cli {

// A command-line mistake: printed on one line with a pointer to the help, bad-input exit code.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses `args` against `options` (the documented ones) and `hidden` (positional arguments);
// any Boost error becomes a UsageError, an unknown option with a did-you-mean among `options`.
boost::program_options::variables_map parse_options(
    const std::vector<std::string>& args, const boost::program_options::options_description& options,
    const boost::program_options::options_description& hidden = {},
    const boost::program_options::positional_options_description& positional = {});

// A command's help: its usage lines, what it does, then its options as Boost lists them.
void print_help(std::string_view usage, std::string_view what,
                const boost::program_options::options_description& options);

// "3.32.0": the SimGrid this binary runs on (in --version and every summary.json).
std::string simgrid_version();

// Each command takes its arguments (without the command's name); `--help` prints its help.
int cmd_run(const std::vector<std::string>& args, const std::vector<std::string>& command_line);
int cmd_compress(const std::vector<std::string>& args);

}  // namespace cs::cli
