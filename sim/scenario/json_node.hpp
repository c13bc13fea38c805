#pragma once
// A JSON value together with where it came from (file and JSON pointer path), with typed,
// range-checked accessors that throw BadInput naming both. Objects list the keys they allow,
// so a typo is rejected with a did-you-mean instead of being silently ignored.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
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

// Parses JSON text allowing // and /* */ comments; a syntax error names line and column.
json parse_json_text(const std::string& text, const std::string& file);
json read_json_file(const std::string& file);

}  // namespace cs
