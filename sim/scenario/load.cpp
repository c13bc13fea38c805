#include <filesystem>
#include <fmt/format.h>
#include <unordered_map>

#include "scenario.hpp"
#include "scenario_keys.hpp"
#include "workload_kinds.hpp"

namespace cs {

namespace {

// A workload's name prefixes its metrics ("hv/latency_p99_s") and its files ("hv.tiers.csv").
void check_workload_name(const JsonNode& n, const std::string& name) {
  constexpr std::size_t max_workload_name = 32;
  bool ok = !name.empty() && name.size() <= max_workload_name && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name) ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  if (!ok)
    n.fail(fmt::format("\"{}\": a workload name is 1 to {} characters of a-z, 0-9 and _, starting with a letter "
                       "(it prefixes metric and file names)",
                       name, max_workload_name));
}

// No host serves two workloads where either needs it alone.
void check_claims(const std::vector<WorkloadSpec>& workloads, const std::vector<JsonNode>& nodes) {
  std::unordered_map<std::string, std::pair<size_t, const HostClaim*>> first;
  for (size_t w = 0; w < workloads.size(); ++w)
    for (const auto& c : workloads[w].claims) {
      auto [it, fresh] = first.try_emplace(c.host, w, &c);
      if (fresh || it->second.first == w) continue;
      const HostClaim& other = *it->second.second;
      if (c.exclusive || other.exclusive)
        nodes[w].fail(fmt::format("host \"{}\": {} of workload \"{}\" and {} of this one; a host in the role {} serves "
                                  "one workload only",
                                  c.host, other.role, workloads[it->second.first].name, c.role,
                                  c.exclusive ? c.role : other.role));
    }
}

Scenario parse_checked(const json& document, const std::string& file) {
  JsonNode root(document, file);
  root.allow_keys(scenario_keys::root);
  Scenario s;
  s.file = file;
  s.name = root.at("name").text();
  // The name is the default output directory under out/, so it must stay a single component
  // that every file system takes (NAME_MAX is 255 bytes; sweeps append to it) and that prints
  // on one line.
  constexpr std::size_t max_name_bytes = 128;
  if (s.name.empty() || s.name == "." || s.name == ".." || s.name.find('/') != std::string::npos)
    root.at("name").fail("must be non-empty, without '/', and not \".\" or \"..\"");
  if (s.name.size() > max_name_bytes)
    root.at("name").fail(fmt::format("{} bytes long; a name (the output folder's) has at most {}", s.name.size(), max_name_bytes));
  for (unsigned char c : s.name)
    if (c < 0x20 || c == 0x7f) root.at("name").fail("contains a control character (a name becomes a folder name)");
  s.description = root.text_or("description", "");
  s.seed = std::uint64_t(root.integer_or("seed", 1, 0, (1LL << 53)));
  s.until_s = root.quantity_or("until", Dimension::duration, 0);
  if (auto f = root.find("fidelity")) {
    const std::string level = f->choice({"exact", "fast_forward", "analytical"});
    s.fidelity = level == "exact" ? Fidelity::exact : level == "fast_forward" ? Fidelity::fast_forward : Fidelity::analytical;
  }
  std::string base_dir = std::filesystem::path(file).parent_path().string();
  s.platform = parse_platform(root.at("platform"), base_dir);

  json empty_policies = json::object();
  JsonNode policies = root.find("policies").value_or(JsonNode(empty_policies, file, "/policies"));
  policies.allow_keys(scenario_keys::policies);
  // "workload" is a list of one, its metrics under today's names; "workloads" names each.
  std::vector<JsonNode> nodes;
  if (root.has("workload") && root.has("workloads")) root.fail("give either \"workload\" (one) or \"workloads\" (a list), not both");
  if (auto list = root.find("workloads")) {
    nodes = list->items();
    if (nodes.empty()) list->fail("give at least one workload");
    constexpr std::size_t max_workloads = 64;
    if (nodes.size() > max_workloads) list->fail(fmt::format("{} workloads; a scenario holds at most {}", nodes.size(), max_workloads));
  } else {
    nodes.push_back(root.at("workload"));
  }
  for (const auto& node : nodes) {
    WorkloadSpec spec;
    spec.kind = node.at("kind").choice(workload_kinds().names());
    if (root.has("workloads") || node.has("name")) {
      spec.name = node.at("name").text();
      check_workload_name(node.at("name"), spec.name);
      for (const auto& other : s.workloads)
        if (other.name == spec.name) node.at("name").fail(fmt::format("another workload is named \"{}\"", spec.name));
    } else {
      spec.name = spec.kind;
    }
    ParsedWorkload parsed = workload_kinds().find(spec.kind)->parse({node, root, policies, s.platform, s.seed, base_dir});
    spec.body = std::move(parsed.body);
    spec.claims = std::move(parsed.claims);
    s.workloads.push_back(std::move(spec));
  }
  check_claims(s.workloads, nodes);
  // The analytical model solves one training mix; what another workload sends is outside it.
  if (s.fidelity == Fidelity::analytical && s.workloads.size() > 1)
    root.at("fidelity").fail(fmt::format("analytical models a training workload alone; this scenario has {} workloads "
                                         "(use exact or fast_forward)",
                                         s.workloads.size()));
  // The analytical model has one switch per job; two levels are simulated packet by packet only.
  if (s.fidelity == Fidelity::analytical)
    for (size_t w = 0; w < s.workloads.size(); ++w)
      if (auto t = std::dynamic_pointer_cast<const TrainingWorkload>(s.workloads[w].body); t && t->ina.levels > 1)
        nodes[w].at("ina").at("levels").fail("two-level aggregation runs at fidelity exact or fast_forward, not analytical");

  if (auto out = root.find("outputs")) {
    out->allow_keys(scenario_keys::outputs);
    if (auto b = out->find("iterations_csv")) s.outputs.iterations_csv = b->boolean();
    if (auto b = out->find("links_csv")) s.outputs.links_csv = b->boolean();
    if (auto b = out->find("hosts_csv")) s.outputs.hosts_csv = b->boolean();
    if (auto b = out->find("trace")) s.outputs.trace = b->boolean();
    // Events are indexed by 32 bits; past a billion the trace would not fit in memory anyway.
    s.outputs.trace_max_events = out->integer_or("trace_max_events", s.outputs.trace_max_events, 1, 1'000'000'000);
  }
  s.resolved = document;
  return s;
}

}  // namespace

Scenario parse_scenario(const json& document, const std::string& file) {
  try {
    return parse_checked(document, file);
  } catch (const json::exception& e) {
    // A safety net: the accessors should have caught the problem, but a library exception on
    // odd input must still read as bad input naming the file, never as an internal failure.
    throw BadInput(file, "", e.what());
  }
}

Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides) {
  json document = read_json_file(file);
  if (!document.is_object())
    throw BadInput(file, "", fmt::format("a scenario must be a JSON object, this file holds a JSON {}", document.type_name()));
  for (const auto& o : overrides) apply_override(document, o, file);
  // Strings reach summary.json, file names and messages: valid UTF-8 without NUL, and no deeper
  // than max_json_depth (an override can nest a value inside the file's).
  try {
    check_json_document(document, file);
    return parse_scenario(document, file);
  } catch (const BadInput& e) {
    // A value rejected at or below an overridden path came from the command line, not the file.
    std::string message = e.what();
    for (auto o = overrides.rbegin(); o != overrides.rend(); ++o) {
      std::string prefix = file + ": " + o->substr(0, o->find('='));
      if (message.starts_with(prefix) && message.size() > prefix.size() &&
          (message[prefix.size()] == ':' || message[prefix.size()] == '/'))
        throw BadInput(fmt::format("{} (from --set {})", message, *o));
    }
    throw;
  }
}

}  // namespace cs
