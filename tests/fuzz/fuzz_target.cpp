// libFuzzer target over everything that reads a user's input: scenario documents with their
// --set overrides, and every trace, CSV and profile reader. The first byte picks the reader
// (any other byte maps onto one, so no input is wasted):
//   s  scenario text; a line "--set" ends it, and each line after it is one override
//   t  trace file; the next byte is its value's dimension (s d b p e f r, as kDimensions)
//   a  arrival trace; the next byte minus '0' is the number of cameras
//   j  job trace
//   o  per-sample outcomes CSV
//   p  inference profiles: the devices file, a line "--models", the models file
//   c  compression cost profile; the next byte minus '0' picks the scheme
//   v  values: the next byte minus '0' picks a shipped scenario (in path order), and each line
//      "N=value" sets its Nth scalar (mod their number, in JSON pointer order) through --set;
//      short inputs that put any value at any key, where the whole text would mostly mutate
//      into malformed JSON
// A reader must return or throw cs::BadInput; any other exception aborts, so that libFuzzer
// (or the replay driver, replay_main.cpp) reports it like a crash or a sanitizer finding.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <typeinfo>
#include <unistd.h>
#include <vector>

#include "compression/scheme.hpp"
#include "scenario/outcome_sources.hpp"
#include "scenario/scenario.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kReaders = "stajopcv";
constexpr std::string_view kDimensions = "sdbpefr";  // Dimension's order: size ... frequency

// A per-process folder under $TMPDIR: the scenario base folder, whose traces/ links to every
// trace the shipped and bad-input scenarios name (so their references resolve, read-only), and
// beside it the files the CSV readers are given, under names no scenario can guess (a scenario
// reading the previous input's file would make findings irreproducible).
struct Fixture {
  struct Base {
    std::string text;
    cs::json document;
    std::vector<std::string> leaves;  // JSON pointers to its scalars
  };
  fs::path root, scenario_dir;
  std::string input_file, second_file;
  std::vector<Base> bases;  // the shipped scenarios

  Fixture() {
    std::string root_template = (fs::temp_directory_path() / "clustersim-fuzz-XXXXXX").string();
    if (!mkdtemp(root_template.data())) die("mkdtemp");
    root = root_template;
    scenario_dir = root / "scenario";
    fs::create_directories(scenario_dir / "traces");
    for (const char* dir : {"scenarios", "tests/bad_input"})
      for (const auto& entry : fs::recursive_directory_iterator(fs::path(CLUSTERSIM_SOURCE_DIR) / dir))
        if (entry.path().parent_path().filename() == "traces" && entry.is_regular_file()) {
          std::error_code ignored;  // two folders with one name: the first wins
          fs::create_symlink(entry.path(), scenario_dir / "traces" / entry.path().filename(), ignored);
        }
    input_file = unique_file(root, "input");
    second_file = unique_file(root, "second");
    std::vector<fs::path> shipped;
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(CLUSTERSIM_SOURCE_DIR) / "scenarios"))
      if (entry.path().extension() == ".json") shipped.push_back(entry.path());
    std::sort(shipped.begin(), shipped.end());  // make_seeds.py numbers them in this order
    for (const auto& path : shipped) {
      Base base{cs::read_input_file(path.string()), {}, {}};
      base.document = cs::parse_json_text(base.text, path.string());
      const cs::json flat = base.document.flatten();  // a named copy: items() does not keep a temporary alive
      for (const auto& [pointer, value] : flat.items()) base.leaves.push_back(pointer);
      bases.push_back(std::move(base));
    }
  }
  ~Fixture() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }

  static std::string unique_file(const fs::path& dir, const char* stem) {
    std::string name = (dir / (std::string(stem) + "-XXXXXX")).string();
    int fd = mkstemp(name.data());
    if (fd < 0) die("mkstemp");
    close(fd);
    return name;
  }

  [[noreturn]] static void die(const char* what) {
    std::perror(what);
    std::abort();
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) Fixture::die(path.c_str());
}

// Splits `text` at the first line that is exactly `separator`: {before, after}.
std::pair<std::string_view, std::string_view> split_at_line(std::string_view text, std::string_view separator) {
  for (size_t start = 0; start < text.size();) {
    size_t end = std::min(text.find('\n', start), text.size());
    if (text.substr(start, end - start) == separator)
      return {text.substr(0, start), end < text.size() ? text.substr(end + 1) : std::string_view()};
    start = end + 1;
  }
  return {text, {}};
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t start = 0; start < text.size();) {
    size_t end = std::min(text.find('\n', start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string scenario_file() { return (fixture().scenario_dir / "fuzz.json").string(); }

// load_scenario (sim/scenario/load.cpp) from the parsed document on, without the disk read.
void load(cs::json document, const std::vector<std::string>& overrides) {
  const std::string file = scenario_file();
  if (!document.is_object()) return;  // load_scenario throws BadInput here
  for (const auto& o : overrides) cs::apply_override(document, o, file);
  // Built-in proxies are trained on Fashion-MNIST while the scenario loads: seconds to minutes
  // of training, not parsing. A data set folder that does not exist ends that path where a
  // missing data set would, with BadInput; the CSV source takes no data set.
  if (auto w = document.find("workload"); w != document.end() && w->is_object())
    if (auto m = w->find("models"); m != w->end() && m->is_object() && m->value("source", cs::json()) != "csv")
      (*m)["dataset"] = "/nonexistent/clustersim-fuzz";
  cs::check_json_document(document, file);
  (void)cs::parse_scenario(document, file);
}

void scenario(std::string_view input) {
  auto [text, override_lines] = split_at_line(input, "--set");
  std::vector<std::string> overrides;
  for (auto line : lines(override_lines)) overrides.emplace_back(line);
  load(cs::parse_json_text(std::string(text), scenario_file()), overrides);
}

const Fixture::Base& value_base(unsigned char selector) {
  const auto& bases = fixture().bases;
  return bases[(unsigned char)(selector - '0') % bases.size()];
}

// "N=value" lines -> "/json/pointer=value" overrides; other lines are skipped.
std::vector<std::string> value_overrides(const Fixture::Base& base, std::string_view input) {
  std::vector<std::string> overrides;
  for (auto line : lines(input)) {
    size_t n = 0;
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), n);
    if (ec != std::errc() || end == line.data() + line.size() || *end != '=') continue;
    overrides.push_back(base.leaves[n % base.leaves.size()] + std::string(end, line.data() + line.size()));
  }
  return overrides;
}

void values(unsigned char selector, std::string_view input) {
  const Fixture::Base& base = value_base(selector);
  load(base.document, value_overrides(base, input));
}

void profiles(std::string_view input) {
  auto [devices, models] = split_at_line(input, "--models");
  write_file(fixture().input_file, devices);
  write_file(fixture().second_file, models);
  (void)cs::load_inference_profiles(fixture().input_file, fixture().second_file);
}

void cost_profile(unsigned char selector, std::string_view input) {
  const auto schemes = cs::compression::scheme_names();
  const std::string_view scheme = schemes[(unsigned char)(selector - '0') % schemes.size()];
  write_file(fixture().input_file, input);
  cs::json spec = {{"scheme", scheme}, {"cost_profile", fixture().input_file}};
  (void)cs::parse_compression(cs::JsonNode(spec, "fuzz.json"), "");
}

struct Input {
  char kind = 0;  // one of kReaders; 0: too short for its reader
  unsigned char parameter = 0;
  std::string_view rest;
};

Input split_input(const std::uint8_t* data, size_t size) {
  if (size == 0) return {};
  const size_t reader = kReaders.find(char(data[0])) != std::string_view::npos ? kReaders.find(char(data[0]))
                                                                               : data[0] % kReaders.size();
  Input in{kReaders[reader], 0, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)};
  // Readers with a parameter take it from the byte after the selector.
  if (in.kind == 't' || in.kind == 'a' || in.kind == 'c' || in.kind == 'v') {
    if (in.rest.empty()) return {};
    in.parameter = (unsigned char)in.rest[0];
    in.rest.remove_prefix(1);
  }
  return in;
}

// The input as a self-contained case: a "v" input names its scenario and scalars by their places,
// which move as scenarios are added or edited, so run.sh stores such findings as the "s" input
// they stand for (the scenario's text and its --set lines). Other inputs stand for themselves.
std::string expand(const std::uint8_t* data, size_t size) {
  const Input in = split_input(data, size);
  if (in.kind != 'v') return std::string(reinterpret_cast<const char*>(data), size);
  const Fixture::Base& base = value_base(in.parameter);
  std::string out = "s" + base.text + "\n--set";
  for (const auto& o : value_overrides(base, in.rest)) out += "\n" + o;
  return out;
}

void run(const std::uint8_t* data, size_t size) {
  const auto [kind, parameter, rest] = split_input(data, size);
  switch (kind) {
    case 0: return;
    case 's': return scenario(rest);
    case 'p': return profiles(rest);
    case 'c': return cost_profile(parameter, rest);
    case 'v': return values(parameter, rest);
    default: break;
  }
  write_file(fixture().input_file, rest);
  const std::string& path = fixture().input_file;
  switch (kind) {
    case 't': {
      const size_t d = kDimensions.find(char(parameter));
      (void)cs::read_trace_file(path, cs::Dimension(d != std::string_view::npos ? d : parameter % kDimensions.size()));
      break;
    }
    case 'a': (void)cs::read_arrival_trace(path, (unsigned char)(parameter - '0')); break;
    case 'j': (void)cs::read_job_trace(path); break;
    case 'o': (void)cs::CsvOutcomes(path); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  // CLUSTERSIM_FUZZ_VERBOSE=1 says what became of each input (to see a seed reach its reader).
  static const bool verbose = std::getenv("CLUSTERSIM_FUZZ_VERBOSE") != nullptr;
  // CLUSTERSIM_FUZZ_EXPAND=FILE writes the input's self-contained form to FILE (see expand).
  if (const char* expanded = std::getenv("CLUSTERSIM_FUZZ_EXPAND")) {
    write_file(expanded, expand(data, size));
    return 0;
  }
  try {
    run(data, size);
    if (verbose) std::fprintf(stderr, "accepted\n");
  } catch (const cs::BadInput& e) {
    // The contract for bad input: one message naming the file, exit code 2 in the CLI.
    if (verbose) std::fprintf(stderr, "bad input: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz finding: a reader threw %s, not cs::BadInput: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
  return 0;
}
