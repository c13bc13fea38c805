#include <filesystem>
#include <fmt/format.h>

#include "scenario.hpp"

namespace cs {

Scenario parse_scenario(const json& document, const std::string& file) {
  JsonNode root(document, file);
  root.allow_keys({"name", "description", "seed", "until", "platform", "workload", "policies", "outputs"});
  Scenario s;
  s.file = file;
  s.name = root.at("name").text();
  if (s.name.empty() || s.name.find('/') != std::string::npos) root.at("name").fail("must be non-empty, without '/'");
  s.description = root.text_or("description", "");
  s.seed = std::uint64_t(root.integer_or("seed", 1, 0, (1LL << 53)));
  s.until_s = root.quantity_or("until", Dimension::duration, 0);
  std::string base_dir = std::filesystem::path(file).parent_path().string();
  s.platform = parse_platform(root.at("platform"), base_dir);

  json empty_policies = json::object();
  JsonNode policies = root.find("policies").value_or(JsonNode(empty_policies, file, "/policies"));
  policies.allow_keys({"placement"});
  JsonNode workload = root.at("workload");
  std::string kind = workload.at("kind").choice({"training"});
  if (kind == "training") s.training = parse_training(workload, policies, s.platform.topology, s.seed);

  if (auto out = root.find("outputs")) {
    out->allow_keys({"iterations_csv", "links_csv", "hosts_csv"});
    if (auto b = out->find("iterations_csv")) s.outputs.iterations_csv = b->boolean();
    if (auto b = out->find("links_csv")) s.outputs.links_csv = b->boolean();
    if (auto b = out->find("hosts_csv")) s.outputs.hosts_csv = b->boolean();
  }
  s.resolved = document;
  return s;
}

Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides) {
  json document = read_json_file(file);
  if (!document.is_object()) throw BadInput(file, "", "a scenario is a JSON object");
  for (const auto& o : overrides) apply_override(document, o);
  return parse_scenario(document, file);
}

}  // namespace cs
