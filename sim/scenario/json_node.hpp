#pragma once
// A JSON value together with where it came from (file and JSON pointer path), with typed,
// range-checked accessors that throw BadInput naming both. Objects list the keys they allow,
// so a typo is rejected with a did-you-mean instead of being silently ignored.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bad_input.hpp"
#include "core/units.hpp"

namespace cs {

using json = nlohmann::json;

class JsonNode {
 public:
  JsonNode(const json& value, std::string file, std::string path = "")
      : value_(&value), file_(std::move(file)), path_(std::move(path)) {}

  const json& raw() const { return *value_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  [[noreturn]] void fail(const std::string& problem) const { throw BadInput(file_, path_, problem); }

  // Objects.
  void allow_keys(std::initializer_list<std::string_view> keys) const;
  bool has(std::string_view key) const;
  JsonNode at(std::string_view key) const;                 // required member
  std::optional<JsonNode> find(std::string_view key) const;  // optional member

  // Arrays.
  std::vector<JsonNode> items() const;

  // Scalars.
  std::string text() const;
  std::string choice(std::initializer_list<std::string_view> allowed) const;
  std::string choice(std::span<const std::string_view> allowed) const;  // a registry's names()
  bool boolean() const;
  double number() const;
  double number(double min, double max) const;  // inclusive range
  long long integer(long long min, long long max) const;
  double quantity(Dimension d) const;  // "25Gbps" etc.; never a bare number
  double positive_quantity(Dimension d) const;

  // Convenience for optional members with defaults.
  std::string text_or(std::string_view key, std::string_view fallback) const;
  double number_or(std::string_view key, double fallback, double min, double max) const;
  long long integer_or(std::string_view key, long long fallback, long long min, long long max) const;
  double quantity_or(std::string_view key, Dimension d, double fallback) const;

 private:
  JsonNode child(const json& v, std::string_view key) const;
  void expect(bool ok, std::string_view what) const;
  const json* value_;
  std::string file_;
  std::string path_;
};

// Limits on what a user's file may hold, each checked before the memory or stack it would cost.
// 64 MiB: every scenario, trace and profile shipped is under 1 MiB; /dev/zero or a runaway file
// stops here instead of growing the process to gigabytes.
constexpr std::size_t max_input_file_bytes = std::size_t(64) << 20;
// 64 levels: scenarios nest 5 deep; printing a document (summary.json) recurses once per level,
// and 100,000 levels overflow the stack.
constexpr int max_json_depth = 64;

// Reads a whole input file (`what` names it in messages: "trace file"). Throws BadInput
// "PATH: problem" for anything but a regular file (directories, FIFOs, devices: a FIFO would
// block forever, /dev/zero never end), for a file above max_input_file_bytes, or a read error.
std::string read_input_file(const std::string& path, std::string_view what = "file");

// Parses JSON text allowing // and /* */ comments; a syntax error names line and column.
// Nesting deeper than max_json_depth is a syntax error too.
json parse_json_text(const std::string& text, const std::string& file);
json read_json_file(const std::string& file);

// Throws BadInput naming the JSON path unless every string and key is valid UTF-8 without NUL
// and the nesting is at most max_json_depth (for documents built by overrides).
void check_json_document(const json& document, const std::string& file);
bool valid_utf8(std::string_view s);
// The position (offset into text) where nesting first exceeds max_json_depth, if it does;
// strings and comments are skipped. Linear, no recursion.
std::optional<std::size_t> too_deep_at(std::string_view text);

}  // namespace cs
