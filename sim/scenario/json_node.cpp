#include "json_node.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "core/text.hpp"

namespace cs {
namespace {

std::string type_name(const json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

std::string escape_pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

// Records where a SAX parse fails, accepting everything before.
struct ErrorLocator : json::json_sax_t {
  size_t end = 0;  // characters read up to the end of the offending token
  std::string token;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(json::number_integer_t) override { return true; }
  bool number_unsigned(json::number_unsigned_t) override { return true; }
  bool number_float(json::number_float_t, const json::string_t&) override { return true; }
  bool string(json::string_t&) override { return true; }
  bool binary(json::binary_t&) override { return true; }
  bool start_object(size_t) override { return true; }
  bool key(json::string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(size_t position, const std::string& last_token, const json::exception&) override {
    end = position, token = last_token;
    return false;
  }
};

}  // namespace

JsonNode JsonNode::child(const json& v, std::string_view key) const {
  return JsonNode(v, file_, path_ + "/" + escape_pointer_token(key));
}

void JsonNode::expect(bool ok, std::string_view what) const {
  if (!ok) fail(fmt::format("expected {}, got {}", what, type_name(*value_)));
}

void JsonNode::allow_keys(std::initializer_list<std::string_view> keys) const {
  expect(value_->is_object(), "an object");
  std::vector<std::string_view> allowed(keys);
  for (const auto& [key, v] : value_->items()) {
    bool known = false;
    for (auto k : allowed) known = known || k == key;
    if (!known)
      child(v, key).fail(fmt::format("unknown key \"{}\"{}", key, did_you_mean(key, allowed)));
  }
}

bool JsonNode::has(std::string_view key) const {
  return value_->is_object() && value_->contains(key);
}

JsonNode JsonNode::at(std::string_view key) const {
  expect(value_->is_object(), "an object");
  auto it = value_->find(key);
  if (it == value_->end()) fail(fmt::format("missing required key \"{}\"", key));
  return child(*it, key);
}

std::optional<JsonNode> JsonNode::find(std::string_view key) const {
  expect(value_->is_object(), "an object");
  auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return child(*it, key);
}

std::vector<JsonNode> JsonNode::items() const {
  expect(value_->is_array(), "an array");
  std::vector<JsonNode> out;
  for (size_t i = 0; i < value_->size(); ++i) out.push_back(child((*value_)[i], std::to_string(i)));
  return out;
}

std::string JsonNode::text() const {
  expect(value_->is_string(), "a string");
  return value_->get<std::string>();
}

std::string JsonNode::choice(std::initializer_list<std::string_view> allowed) const {
  return choice(std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

std::string JsonNode::choice(std::span<const std::string_view> allowed) const {
  std::string v = text();
  for (auto a : allowed)
    if (a == v) return v;
  std::vector<std::string_view> list(allowed.begin(), allowed.end());
  std::string names;
  for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
  fail(fmt::format("unknown value \"{}\"{}; one of: {}", v, did_you_mean(v, list), names));
}

bool JsonNode::boolean() const {
  expect(value_->is_boolean(), "a boolean");
  return value_->get<bool>();
}

double JsonNode::number() const {
  expect(value_->is_number(), "a number");
  return value_->get<double>();
}

double JsonNode::number(double min, double max) const {
  double v = number();
  if (v < min || v > max) fail(fmt::format("{} is out of range [{}, {}]", v, min, max));
  return v;
}

long long JsonNode::integer(long long min, long long max) const {
  expect(value_->is_number(), "an integer");
  // Checked as a double before converting: casting an out-of-range double (1e300) to an
  // integer is undefined behaviour, and a huge unsigned value would wrap to a negative one.
  double v = value_->get<double>();
  if (value_->is_number_float() && v != std::floor(v)) fail(fmt::format("expected an integer, got {}", value_->dump()));
  if (v < double(min) || v > double(max)) fail(fmt::format("{} is out of range [{}, {}]", value_->dump(), min, max));
  return value_->get<long long>();
}

double JsonNode::quantity(Dimension d) const {
  if (value_->is_number())
    fail(fmt::format("expected a {} with a unit such as {}, got the bare number {}", dimension_name(d),
                     dimension_example(d), value_->dump()));
  expect(value_->is_string(), fmt::format("a {} such as {}", dimension_name(d), dimension_example(d)));
  try {
    return parse_quantity(value_->get<std::string>(), d);
  } catch (const UnitError& e) {
    fail(e.what());
  }
}

double JsonNode::positive_quantity(Dimension d) const {
  double v = quantity(d);
  if (!(v > 0)) fail(fmt::format("must be positive, got \"{}\"", value_->get<std::string>()));
  return v;
}

std::string JsonNode::text_or(std::string_view key, std::string_view fallback) const {
  auto n = find(key);
  return n ? n->text() : std::string(fallback);
}

double JsonNode::number_or(std::string_view key, double fallback, double min, double max) const {
  auto n = find(key);
  return n ? n->number(min, max) : fallback;
}

long long JsonNode::integer_or(std::string_view key, long long fallback, long long min, long long max) const {
  auto n = find(key);
  return n ? n->integer(min, max) : fallback;
}

double JsonNode::quantity_or(std::string_view key, Dimension d, double fallback) const {
  auto n = find(key);
  return n ? n->quantity(d) : fallback;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 3, cp = c & 0x07;
    else return false;
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points beyond U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

std::optional<std::size_t> too_deep_at(std::string_view text) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      auto end = text.find("*/", i + 2);
      if (end == std::string_view::npos) return std::nullopt;  // the parser reports it
      i = end + 1;
    } else if (c == '[' || c == '{') {
      if (++depth > max_json_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

void check_json_document(const json& document, const std::string& file) {
  struct Item {
    const json* value;
    std::string path;
    int depth;
  };
  std::vector<Item> stack{{&document, "", 0}};
  auto check_text = [&](const std::string& text, const std::string& path, std::string_view what) {
    if (text.find('\0') != std::string::npos) throw BadInput(file, path, fmt::format("{} contains a NUL character", what));
    if (!valid_utf8(text)) throw BadInput(file, path, fmt::format("{} is not valid UTF-8", what));
  };
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    const json& v = *item.value;
    if (v.is_string()) check_text(v.get_ref<const std::string&>(), item.path, "the string");
    if (!v.is_structured()) continue;
    if (item.depth >= max_json_depth)
      throw BadInput(file, item.path, fmt::format("nested deeper than {} levels", max_json_depth));
    if (v.is_object()) {
      for (const auto& [key, child] : v.items()) {
        check_text(key, item.path, "a key");
        stack.push_back({&child, item.path + "/" + escape_pointer_token(key), item.depth + 1});
      }
    } else {
      for (size_t i = 0; i < v.size(); ++i) stack.push_back({&v[i], item.path + "/" + std::to_string(i), item.depth + 1});
    }
  }
}

json parse_json_text(const std::string& text, const std::string& file) {
  auto malformed = [&](size_t offset, std::string_view why) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') ++line, column = 1;
      else ++column;
    }
    return BadInput(fmt::format("{}:{}:{}: malformed JSON: {}", file, line, column, why));
  };
  // Checked first: nlohmann parses any depth, but printing and destroying deep values recurse,
  // and 64 MiB of '[' would take gigabytes.
  if (auto at = too_deep_at(text)) throw malformed(*at, fmt::format("nested deeper than {} levels", max_json_depth));
  try {
    return json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    // nlohmann's message repeats line and column before its first ": "; keep what follows.
    std::string what = e.what();
    auto colon = what.find(": ");
    throw malformed(e.byte > 0 ? e.byte - 1 : 0, colon == std::string::npos ? what : what.substr(colon + 2));
  } catch (const json::exception& e) {
    // A number beyond a double ("1e400") throws out_of_range, without a position; a second,
    // SAX pass is told where the offending token ends.
    ErrorLocator locator;
    json::sax_parse(text, &locator, json::input_format_t::json, /*strict=*/true, /*ignore_comments=*/true);
    std::string what = e.what();
    auto bracket = what.find("] ");
    throw malformed(locator.end - std::min(locator.end, locator.token.size()),
                    bracket == std::string::npos ? what : what.substr(bracket + 2));
  }
}

std::string read_input_file(const std::string& path, std::string_view what) {
  auto bad = [&](const std::string& problem) { return BadInput(fmt::format("{}: {}", path, problem)); };
  if (path.empty()) throw bad(fmt::format("an empty path where a {} is expected", what));
  if (path.find('\0') != std::string::npos) throw bad("the path contains a NUL character");
  // stat() before open(): opening a FIFO for reading blocks until a writer comes.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw bad(fmt::format("cannot open the {} ({})", what, std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) throw bad(fmt::format("is a directory, not a {}", what));
  if (!S_ISREG(st.st_mode)) throw bad(fmt::format("is not a regular file (a device, FIFO or socket), so not a {}", what));
  if (std::uint64_t(st.st_size) > max_input_file_bytes)
    throw bad(fmt::format("the {} is {} bytes, above the limit of {} MiB", what, st.st_size, max_input_file_bytes >> 20));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad(fmt::format("cannot open the {} ({})", what, std::strerror(errno)));
  // Read one byte beyond the size stat() gave (at most the limit), to notice a file that grew.
  std::string text(std::size_t(st.st_size) + 1, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  if (in.bad()) throw bad(fmt::format("cannot read the {} ({})", what, std::strerror(errno)));
  text.resize(std::size_t(in.gcount()));
  if (text.size() > std::size_t(st.st_size) && !in.eof())
    throw bad(fmt::format("the {} grows while it is read", what));
  if (text.size() > max_input_file_bytes)
    throw bad(fmt::format("the {} is above the limit of {} MiB", what, max_input_file_bytes >> 20));
  return text;
}

json read_json_file(const std::string& file) { return parse_json_text(read_input_file(file, "file"), file); }

}  // namespace cs
