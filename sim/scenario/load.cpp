#include <filesystem>
#include <fmt/format.h>

#include "scenario.hpp"

namespace cs {

namespace {

// Edge and DC hosts draw their device profile's power unless the platform gives their own.
void apply_device_power(Scenario& s) {
  for (auto& node : s.platform.topology.nodes) {
    const DeviceProfile* d = node.role == NodeRole::edge ? &s.inference.edge_profile
                             : node.role == NodeRole::datacenter ? &s.inference.dc_profile : nullptr;
    if (d && !node.host.idle_w) {
      node.host.idle_w = d->idle_w;
      node.host.busy_w = d->busy_w;
    }
  }
}

Scenario parse_checked(const json& document, const std::string& file) {
  JsonNode root(document, file);
  root.allow_keys({"name", "description", "seed", "until", "fidelity", "platform", "workload", "policies", "outputs"});
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
  policies.allow_keys({"placement", "switch_allocation", "esa_priority", "switchml_no_pool"});
  JsonNode workload = root.at("workload");
  s.workload_kind = workload.at("kind").choice({"training", "inference"});
  if (s.workload_kind == "training") {
    s.training = parse_training(workload, policies, s.platform.topology, s.seed);
  } else {
    // The WAN carries forwarded frames as reliable, loss-free transfers (see the README).
    for (const auto& l : s.platform.topology.links)
      if (s.platform.topology.nodes[l.a].role == NodeRole::switch_node && s.platform.topology.nodes[l.b].role == NodeRole::switch_node &&
          l.spec.loss_rate > 0)
        root.at("platform").at("wan").at("loss_rate").fail("must be 0 for an inference workload: the WAN is modelled loss-free");
    // Each camera runs three actors (sender, receiver, reorder), each edge three, each DC server two.
    const auto count = [&](NodeRole r) { return s.platform.topology.names_with_role(r).size(); };
    const std::size_t actors = 3 * count(NodeRole::client) + 3 * count(NodeRole::edge) + 2 * count(NodeRole::datacenter) + 1;
    if (actors > max_actors)
      root.at("platform").at("clients").fail(fmt::format(
          "{} cameras, {} edges and {} DC servers need {} actors; a run holds at most {}", count(NodeRole::client),
          count(NodeRole::edge), count(NodeRole::datacenter), actors, max_actors));
    s.inference = parse_inference(workload, s.platform.topology, base_dir);
    apply_device_power(s);
  }

  if (auto out = root.find("outputs")) {
    out->allow_keys({"iterations_csv", "links_csv", "hosts_csv", "trace", "trace_max_events"});
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
