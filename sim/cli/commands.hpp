#pragma once
// The CLI's commands that live in files of their own.
#include <stdexcept>
#include <string>
#include <vector>

namespace cs::cli {

// A command-line mistake: printed with the usage, bad-input exit code.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int cmd_compress(const std::vector<std::string>& args);

}  // namespace cs::cli
