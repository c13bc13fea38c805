#include <charconv>
#include <fmt/format.h>

#include "scenario.hpp"

namespace cs {

void apply_override(json& document, const std::string& assignment) {
  const std::string where = "--set " + assignment;
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0 || assignment[0] != '/')
    throw BadInput(fmt::format("{}: expected /json/pointer=value, such as /seed=7", where));
  std::string path = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  json::json_pointer pointer;
  try {
    pointer = json::json_pointer(path);
  } catch (const json::exception& e) {
    throw BadInput(where, path, "not a valid JSON pointer");
  }
  // The parent must exist, so that a typo in the middle of a path is not silently created.
  json::json_pointer parent = pointer.parent_pointer();
  if (!document.contains(parent) || !(document[parent].is_object() || document[parent].is_array()))
    throw BadInput(where, parent.to_string(), "no such object or array in the scenario");
  json& container = document[parent];
  if (container.is_array()) {
    const std::string& token = pointer.back();
    size_t index = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
    if (ec != std::errc() || end != token.data() + token.size() || index >= container.size())
      throw BadInput(where, path, fmt::format("index out of range (the array has {} items)", container.size()));
  }
  // A value is JSON when it parses as JSON (7, true, [1,2], "x"), a plain string otherwise (10Gbps).
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (value.is_discarded()) value = text;
  document[pointer] = std::move(value);
}

}  // namespace cs
