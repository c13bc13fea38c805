#include <filesystem>
#include <fmt/format.h>

#include "profiles_dir.hpp"
#include "scenario.hpp"
#include "scenario_keys.hpp"

namespace cs {
namespace {

// Reads one scheme's costs from a profile object {"encode": "3ns", ...}; missing keys keep
// what `c` holds.
void read_costs(const JsonNode& n, CompressionCosts& c) {
  n.allow_keys(scenario_keys::costs);
  c.encode_s = n.quantity_or("encode", Dimension::duration, c.encode_s);
  c.add_s = n.quantity_or("add", Dimension::duration, c.add_s);
  c.finish_s = n.quantity_or("finish", Dimension::duration, c.finish_s);
  c.decode_s = n.quantity_or("decode", Dimension::duration, c.decode_s);
}

CompressionCosts profile_costs(const std::string& file, const std::string& scheme, const JsonNode& where) {
  json doc;
  try {
    doc = read_json_file(file);
  } catch (const BadInput& e) {
    where.fail(fmt::format("cost profile: {}", e.what()));
  }
  JsonNode root(doc, file);
  root.allow_keys({"description", "measured_with", "machine", "schemes"});
  auto entry = root.at("schemes").find(scheme);
  if (!entry) where.fail(fmt::format("the cost profile {} has no entry for scheme \"{}\"", file, scheme));
  CompressionCosts c;
  read_costs(*entry, c);
  c.source = fmt::format("{} ({})", file, root.text_or("measured_with", "no command recorded"));
  return c;
}

}  // namespace

CompressionSpec parse_compression(const JsonNode& n, const std::string& base_dir) {
  n.allow_keys(scenario_keys::compression);
  CompressionSpec s;
  compression::SchemeConfig& c = s.scheme;
  std::vector<std::string_view> names(compression::scheme_names().begin(), compression::scheme_names().end());
  c.name = n.at("scheme").text();
  if (std::find(names.begin(), names.end(), c.name) == names.end())
    n.at("scheme").fail(fmt::format("unknown scheme \"{}\"; known: {}", c.name, fmt::join(names, ", ")));
  c.bits = int(n.integer_or("bits", c.bits, 1, 8));
  c.granularity = int(n.integer_or("granularity", c.granularity, 1, 1 << 20));
  if (c.granularity < (1 << c.bits) - 1)
    n.at("granularity").fail(fmt::format("must be at least 2^bits - 1 = {} so that {} table entries are distinct integers",
                                         (1 << c.bits) - 1, 1 << c.bits));
  if (auto p = n.find("clip")) {
    c.clip_probability = p->number(0, 1);
    if (c.clip_probability <= 0 || c.clip_probability >= 1) p->fail("the clipping probability must lie strictly between 0 and 1");
  }
  c.partition = std::size_t(n.integer_or("partition", (long long)c.partition, 1, 1LL << 30));
  if ((c.partition & (c.partition - 1)) != 0) n.at("partition").fail("must be a power of two");
  c.topk_ratio = n.number_or("topk_ratio", c.topk_ratio, 0, 1);
  if (c.topk_ratio <= 0) n.at("topk_ratio").fail("must be above 0");
  c.qsgd_levels = int(n.integer_or("qsgd_levels", c.qsgd_levels, 1, 255));
  c.downstream_bits = int(n.integer_or("downstream_bits", c.downstream_bits, 1, 32));
  if (auto e = n.find("error_feedback")) c.error_feedback = e->boolean() ? 1 : 0;
  s.packet_payload_bytes = n.quantity_or("packet_payload", Dimension::size, s.packet_payload_bytes);
  if (s.packet_payload_bytes < 8) n.at("packet_payload").fail("must be at least 8 B");
  s.threads = int(n.integer_or("threads", s.threads, 1, 1024));

  const std::string profile = n.find("cost_profile")
                                  ? resolve_path(base_dir, n.at("cost_profile").text())
                                  : profiles_dir() + "/compression_costs.json";
  s.costs = profile_costs(profile, c.name, n.find("cost_profile").value_or(n));
  if (auto costs = n.find("costs")) {
    read_costs(*costs, s.costs);
    s.costs.source += "; overridden in the scenario";
  }
  return s;
}

LearningSpec parse_learning(const JsonNode& n, const std::string& base_dir) {
  n.allow_keys(scenario_keys::learning);
  LearningSpec s;
  const std::string proxy = n.find("proxy") ? n.at("proxy").choice({"softmax", "mlp"}) : "softmax";
  s.proxy.kind = proxy == "mlp" ? learning::ProxyKind::mlp : learning::ProxyKind::softmax;
  s.proxy.hidden = int(n.integer_or("hidden", s.proxy.hidden, 1, 4096));
  s.sgd = learning::recommended_sgd(s.proxy.kind);
  s.sgd.learning_rate = n.number_or("learning_rate", s.sgd.learning_rate, 0, 100);
  s.sgd.momentum = n.number_or("momentum", s.sgd.momentum, 0, 0.999);
  s.sgd.weight_decay = n.number_or("weight_decay", s.sgd.weight_decay, 0, 1);
  s.batch_per_worker = int(n.integer_or("batch_per_worker", s.batch_per_worker, 1, 60000));
  s.eval_every = n.integer_or("eval_every", s.eval_every, 1, 1 << 30);
  s.target_accuracy = n.number_or("target_accuracy", s.target_accuracy, 0, 1);
  if (auto d = n.find("dataset")) s.dataset_dir = resolve_path(base_dir, d->text());
  // Checked here so a wrong path fails before any simulation starts.
  for (const char* f : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                        "t10k-labels-idx1-ubyte.gz"}) {
    const std::string path = s.dataset_dir + "/" + f;
    if (!std::filesystem::is_regular_file(path))
      n.find("dataset").value_or(n).fail(fmt::format(
          "missing data set file {} (Fashion-MNIST comes with the Debian package dataset-fashion-mnist)", path));
  }
  return s;
}

}  // namespace cs
