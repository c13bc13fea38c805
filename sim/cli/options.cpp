// Option parsing shared by the commands: Boost's errors as one-line usage errors, and a
// did-you-mean for a mistyped option, found as for commands and scenario keys (core/text.hpp).
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.hpp"
#include "core/text.hpp"

namespace po = boost::program_options;

namespace cs::cli {

po::variables_map parse_options(const std::vector<std::string>& args, const po::options_description& options,
                                const po::options_description& hidden,
                                const po::positional_options_description& positional) {
  po::options_description all;
  all.add(options).add(hidden);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    std::vector<std::string> names;
    for (const auto& o : options.options())
      if (!o->long_name().empty()) names.push_back("--" + o->long_name());
    const std::vector<std::string_view> candidates(names.begin(), names.end());
    throw UsageError(fmt::format("unknown option \"{}\"{}", e.get_option_name(), did_you_mean(e.get_option_name(), candidates)));
  } catch (const po::too_many_positional_options_error&) {
    throw UsageError(positional.max_total_count() == 0 ? "unexpected argument (this command takes options only)" : "too many arguments");
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

void print_help(std::string_view usage, std::string_view what, const po::options_description& options) {
  fmt::print("Usage: {}\n\n{}\n\n", usage, what);  // two paragraphs in the man page too
  std::cout << options << "\n";
}

}  // namespace cs::cli
