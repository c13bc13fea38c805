#pragma once
// The one error type for anything a user got wrong: the file, the JSON path, the problem.
// The CLI prints what() on one line and exits with exit_code::bad_input.
#include <stdexcept>
#include <string>

namespace cs {

namespace exit_code {
constexpr int ok = 0;
constexpr int failure = 1;
constexpr int bad_input = 2;
}  // namespace exit_code

struct BadInput : std::runtime_error {
  BadInput(const std::string& file, const std::string& json_path, const std::string& problem)
      : std::runtime_error(file + ": " + (json_path.empty() ? std::string("/") : json_path) + ": " + problem) {}
  explicit BadInput(const std::string& whole_message) : std::runtime_error(whole_message) {}
};

}  // namespace cs
