#include <charconv>
#include <fmt/format.h>

#include "core/text.hpp"
#include "scenario.hpp"

namespace cs {

// Walks the pointer by hand rather than through nlohmann's json_pointer, whose lookups throw
// library exceptions (out_of_range, parse_error) on huge or zero-padded array indices; this
// way every problem becomes a BadInput naming the prefix of the path that went wrong.
void apply_override(json& document, const std::string& assignment, const std::string& file) {
  auto bad = [&](std::string_view at, std::string_view problem) {
    return BadInput(fmt::format("{}: --set {}: {}{}", file, assignment, at.empty() ? "" : fmt::format("{}: ", at),
                                problem));
  };
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0 || assignment[0] != '/')
    throw bad("", "expected /json/pointer=value, such as /seed=7");
  const std::string path = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  if (!valid_utf8(path)) throw bad("", "the JSON pointer is not valid UTF-8");

  json* node = &document;
  for (size_t start = 1; start <= path.size();) {
    size_t end = std::min(path.find('/', start), path.size());
    const std::string walked = path.substr(0, end);
    std::string token;
    for (size_t i = start; i < end; ++i) {
      if (path[i] != '~') {
        token += path[i];
        continue;
      }
      if (i + 1 == end || (path[i + 1] != '0' && path[i + 1] != '1'))
        throw bad(walked, "not a valid JSON pointer ('~' must be followed by 0 or 1)");
      token += path[++i] == '0' ? '~' : '/';
    }
    const bool last = end == path.size();
    if (node->is_object()) {
      // The parent must exist, so that a typo in the middle of a path is not silently created.
      if (!last && !node->contains(token)) {
        std::vector<std::string_view> keys;
        for (const auto& [key, value] : node->items()) keys.push_back(key);
        throw bad(walked, fmt::format("no such key in the scenario{}", did_you_mean(token, keys)));
      }
      node = &(*node)[token];
    } else if (node->is_array()) {
      size_t index = 0;
      auto [stop, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      bool padded = token.size() > 1 && token[0] == '0';  // RFC 6901: "01" is not an index
      if (ec != std::errc() || stop != token.data() + token.size() || token.empty() || padded)
        throw bad(walked, "not an array index");
      if (index >= node->size())
        throw bad(walked, fmt::format("index out of range (the array has {} item{})", node->size(), node->size() == 1 ? "" : "s"));
      node = &(*node)[index];
    } else {
      throw bad(path.substr(0, start - 1), fmt::format("is a {}, not an object or array", node->type_name()));
    }
    start = end + 1;
  }
  // A value is JSON when it parses as JSON (7, true, [1,2], "x"), a plain string otherwise (10Gbps).
  // Nesting is checked on the text first: printing a deep value recurses once per level.
  if (too_deep_at(text)) throw bad(path, fmt::format("the value is nested deeper than {} levels", max_json_depth));
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (value.is_discarded()) value = text;
  try {
    (void)value.dump();  // the resolved scenario is written to summary.json later; fail now, not then
  } catch (const json::exception&) {
    throw bad(path, "the value is not valid UTF-8");
  }
  if (value.is_string() && !valid_utf8(value.get_ref<const std::string&>())) throw bad(path, "the value is not valid UTF-8");
  *node = std::move(value);
}

}  // namespace cs
