// docs/scenario.md against the parser: every object's section lists exactly the keys the parser
// allows there (sim/scenario/scenario_keys.hpp, the tables the parser passes to allow_keys),
// so the reference cannot name a key the parser rejects nor miss one it accepts. A probe per
// table also checks, through the parser itself, that each table is the one read at its path.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "scenario/scenario.hpp"
#include "scenario/scenario_keys.hpp"
#include "test_util.hpp"

using namespace cs;

namespace {

const std::string source_dir = CLUSTERSIM_SOURCE_DIR;

// The keys of each `<!-- keys: NAME -->` section: table rows whose first cell is one `key`.
// A section ends at the next marker or heading.
std::map<std::string, std::multiset<std::string>> documented_keys(const std::string& text) {
  std::map<std::string, std::multiset<std::string>> sections;
  std::istringstream in(text);
  std::string line, current;
  const std::string marker = "<!-- keys: ";
  while (std::getline(in, line)) {
    if (line.rfind(marker, 0) == 0) {
      current = line.substr(marker.size(), line.find(" -->") - marker.size());
      EXPECT_FALSE(sections.contains(current)) << "docs/scenario.md: two sections marked " << current;
      sections[current];
    } else if (line.rfind("#", 0) == 0) {
      current.clear();
    } else if (!current.empty() && line.rfind("| `", 0) == 0) {
      const auto end = line.find("` |");
      EXPECT_NE(end, std::string::npos) << "docs/scenario.md: a key row's first cell is one `key`: " << line;
      if (end != std::string::npos) sections[current].insert(line.substr(3, end - 3));
    }
  }
  return sections;
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

TEST(ScenarioReference, EveryObjectsKeysAreDocumentedExactly) {
  const std::string doc = read_text(source_dir + "/docs/scenario.md");
  ASSERT_FALSE(doc.empty()) << "docs/scenario.md is missing";
  auto sections = documented_keys(doc);
  for (const auto& table : scenario_keys::all) {
    const std::string name(table.name);
    auto it = sections.find(name);
    if (it == sections.end()) {
      ADD_FAILURE() << "docs/scenario.md has no section <!-- keys: " << name << " -->";
      continue;
    }
    std::set<std::string> accepted;
    for (auto k : table.keys) accepted.emplace(k);
    for (auto k : table.common) accepted.emplace(k);
    for (const auto& key : accepted)
      EXPECT_TRUE(it->second.contains(key)) << "the parser accepts " << name << " key \"" << key
                                            << "\" but docs/scenario.md does not document it";
    for (const auto& key : it->second) {
      EXPECT_TRUE(accepted.contains(key)) << "docs/scenario.md documents " << name << " key \"" << key
                                          << "\" but the parser rejects it";
      EXPECT_EQ(it->second.count(key), 1u) << "docs/scenario.md lists " << name << " key \"" << key << "\" twice";
    }
    sections.erase(it);
  }
  for (const auto& [name, _] : sections) ADD_FAILURE() << "docs/scenario.md marks a section " << name << " that no parser table has";
}

namespace {

// Where the parser reads a table: a shipped scenario and the JSON pointer of the object, and
// what to put there first (null: the object as shipped, or {} where the scenario has none).
struct Probe {
  std::string_view table, scenario, pointer;
  const char* replace = nullptr;
};

const Probe probes[] = {
    {"root", "quickstart.json", ""},
    {"policies", "quickstart.json", "/policies"},
    {"outputs", "quickstart.json", "/outputs"},
    {"platform.star", "quickstart.json", "/platform"},
    {"platform.two_tier", "training/two_tier_contention.json", "/platform"},
    {"platform.edge_dc", "hawkvision/reproduction.json", "/platform"},
    {"platform.leaf_spine", "fabric/leaf_spine_training.json", "/platform"},
    {"platform.fat_tree", "fabric/fat_tree_k4.json", "/platform"},
    {"edge_sites", "studies/inference_under_training/leaf_spine_shared.json", "/platform/edge_sites"},
    {"host", "quickstart.json", "/platform/host"},
    {"link", "quickstart.json", "/platform/link"},
    {"training", "quickstart.json", "/workload"},
    {"job", "quickstart.json", "/workload/jobs/0"},
    {"job_layer", "quickstart.json", "/workload/job_defaults"},
    {"ina", "ina/esa_reproduction.json", "/workload/ina"},
    {"ina.window", "ina/esa_reproduction.json", "/workload/ina/window"},
    {"compression", "thc/ps_vgg16.json", "/workload/compression"},
    {"compression.costs", "thc/ps_vgg16.json", "/workload/compression/costs"},
    {"learning", "thc/ps_vgg16.json", "/workload/learning"},
    {"inference", "hawkvision/reproduction.json", "/workload"},
    {"arrivals.rate", "hawkvision/reproduction.json", "/workload/arrivals"},
    {"arrivals.trace", "hawkvision/reproduction.json", "/workload/arrivals", R"({"process": "trace", "file": "none.csv"})"},
    {"tier", "hawkvision/reproduction.json", "/workload/tiers/0"},
    {"frame", "hawkvision/reproduction.json", "/workload/frame"},
    {"inference.edge", "hawkvision/reproduction.json", "/workload/edge"},
    {"inference.dc", "hawkvision/reproduction.json", "/workload/dc"},
    {"models.proxy", "hawkvision/reproduction.json", "/workload/models"},
    {"models.csv", "hawkvision/reproduction.json", "/workload/models",
     R"({"source": "csv", "file": "none.csv", "edge": "resnet18", "dc": "resnet50"})"},
    {"profiles", "hawkvision/reproduction.json", "/workload/profiles"},
};

// The scenario with the probed object in place, and the parser's message for it plus `key`
// (empty when it parses).
std::string error_with_key(const Probe& p, const json& scenario, const std::string& key) {
  json d = scenario;
  json::json_pointer where{std::string(p.pointer)};
  if (p.replace) d[where] = json::parse(p.replace);
  if (!d.contains(where)) d[where] = json::object();
  // A value no key takes: a known key then fails on its value, never as "unknown key".
  if (!key.empty()) d[where][key] = json::parse(R"({"probe": [null]})");
  const std::string file = source_dir + "/scenarios/" + std::string(p.scenario);
  try {
    parse_scenario(d, file);
  } catch (const BadInput& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ScenarioReference, EachTableIsWhatTheParserAllowsAtItsPath) {
  std::set<std::string_view> probed;
  std::map<std::string, json> scenarios;
  for (const auto& p : probes) {
    probed.insert(p.table);
    const scenario_keys::Table* table = nullptr;
    for (const auto& t : scenario_keys::all)
      if (t.name == p.table) table = &t;
    ASSERT_NE(table, nullptr) << p.table;
    const std::string file = source_dir + "/scenarios/" + std::string(p.scenario);
    if (!scenarios.contains(file)) scenarios[file] = read_json_file(file);
    const json& scenario = scenarios[file];
    // A key outside the table is refused at this very path...
    EXPECT_CONTAINS(error_with_key(p, scenario, "no_such_key"),
                    std::string(p.pointer) + "/no_such_key: unknown key \"no_such_key\"");
    // ...and no key of the table is.
    std::vector<std::string_view> keys(table->keys.begin(), table->keys.end());
    keys.insert(keys.end(), table->common.begin(), table->common.end());
    for (auto k : keys) {
      const std::string key(k);
      json::json_pointer where{std::string(p.pointer)};
      if (!p.replace && scenario.contains(where) && scenario[where].contains(key)) continue;  // parses as shipped
      EXPECT_EQ(error_with_key(p, scenario, key).find(std::string(p.pointer) + "/" + key + ": unknown key"), std::string::npos)
          << p.table << " key " << key << " is refused at " << p.pointer;
    }
  }
  for (const auto& t : scenario_keys::all) EXPECT_TRUE(probed.contains(t.name)) << "no probe for table " << t.name;
}
