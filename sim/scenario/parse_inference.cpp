#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <mutex>

#include "scenario_keys.hpp"
#include "core/stats.hpp"
#include "learning/random.hpp"
#include "outcome_sources.hpp"
#include "profiles_dir.hpp"
#include "scenario.hpp"

namespace cs {
namespace {

// Trained proxies are kept on disk between runs (they are deterministic, so a cached model is
// the same model): $CLUSTERSIM_CACHE_DIR, else $XDG_CACHE_HOME/clustersim, else ~/.cache/clustersim.
std::string proxy_cache_dir() {
  if (const char* d = std::getenv("CLUSTERSIM_CACHE_DIR")) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/clustersim";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/clustersim";
  return "";
}

// One trained family per distinct request in this process (`validate` reads many scenarios).
std::shared_ptr<const serving::ProxyFamily> proxy_family(const std::vector<serving::ProxyVariantSpec>& specs,
                                                         const serving::ProxyFamilyOptions& options) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const serving::ProxyFamily>> families;
  std::string key = fmt::format("{}|{}|{}|{}", options.dataset_dir, options.seed, options.epochs, options.batch);
  for (const auto& s : specs) key += fmt::format("|{}:{}:{}", s.name, int(s.model.kind), s.model.hidden);
  std::lock_guard lock(mutex);
  auto& f = families[key];
  if (!f) f = std::make_shared<const serving::ProxyFamily>(specs, options);
  return f;
}

// "proxy_linear" -> softmax; "proxy_mlp<N>" -> an MLP with N hidden units.
std::optional<learning::ProxySpec> proxy_spec(const std::string& name) {
  if (name == "proxy_linear") return learning::ProxySpec{learning::ProxyKind::softmax, 0};
  if (name.starts_with("proxy_mlp")) {
    std::string digits = name.substr(9);
    if (!digits.empty() && digits.size() <= 4 && std::all_of(digits.begin(), digits.end(), ::isdigit) && std::stoi(digits) > 0)
      return learning::ProxySpec{learning::ProxyKind::mlp, std::stoi(digits)};
  }
  return std::nullopt;
}

struct ProfileFiles {
  std::string devices, models, proxies;
};

VariantSpec variant_from_profile(const InferenceProfiles& profiles, const std::string& name, const std::string& model_id,
                                 const InferenceWorkload& w, double accuracy, double validation_accuracy,
                                 double test_accuracy) {
  const ModelProfile& m = profiles.models.at(model_id);
  VariantSpec v{name, model_id, accuracy, validation_accuracy, test_accuracy, m.memory_bytes, {}, {}, 0};
  if (auto e = m.devices.find(w.edge_device); e != m.devices.end()) {
    v.edge_latency = e->second.latency;
    v.edge_load_s = e->second.load_s;
  }
  if (auto d = m.devices.find(w.dc_device); d != m.devices.end()) v.dc_latency = d->second.latency;
  return v;
}

std::vector<double> tier_targets(const InferenceWorkload& w) {
  std::vector<double> t;
  for (const auto& tier : w.tiers) t.push_back(tier.accuracy);
  return t;
}

void set_thresholds(InferenceWorkload& w, std::span<const serving::CascadeSample> validation, double z) {
  auto table = serving::threshold_table(validation, tier_targets(w), z);
  w.thresholds.clear();
  for (size_t i = 0; i < table.size(); ++i)
    w.thresholds.push_back(table[i].value_or(serving::TierThreshold{w.tiers[i].accuracy, -1, 0, 0}));
}

void parse_models(const JsonNode& n, const std::string& base_dir, const InferenceProfiles& profiles,
                  const std::string& proxies_file, double camera_loss, InferenceWorkload& w) {
  std::string source = n.at("source").choice({"proxy", "csv"});
  // A tier is a promise: policies decide on accuracies less z standard errors of their
  // validation estimate, so a tier met on validation is met on requests with this confidence.
  const double confidence = n.number_or("tier_confidence", 0.99, 0.5, 0.9999);
  const double z = normal_tail_quantile(1 - confidence);
  w.tier_confidence = confidence;
  auto known_model = [&](const JsonNode& node) {
    std::string id = node.text();
    if (!profiles.models.contains(id))
      node.fail(fmt::format("unknown model \"{}\" (not in {})", id, profiles.models_file));
    return id;
  };
  if (source == "csv") {
    n.allow_keys(scenario_keys::models_csv);
    std::shared_ptr<CsvOutcomes> csv;
    try {
      csv = std::make_shared<CsvOutcomes>(resolve_path(base_dir, n.at("file").text()));
    } catch (const BadInput& e) {
      n.at("file").fail(e.what());
    }
    std::string edge = known_model(n.at("edge")), dc = known_model(n.at("dc"));
    // The CSV's own accuracies, never the profiles' ImageNet figures: one scale for every system.
    const size_t n_val = csv->validation().size();
    for (int v : {0, 1}) {
      const double measured = CsvOutcomes::accuracy(csv->validation(), v);
      const std::string& id = v == 0 ? edge : dc;
      w.variants.push_back(variant_from_profile(profiles, id + (v == 1 && dc == edge ? "_dc" : ""), id, w,
                                                serving::accuracy_lower_bound(measured, n_val, z), measured,
                                                CsvOutcomes::accuracy(csv->test(), v)));
    }
    w.edge_model = 0;
    w.dc_model = 1;
    set_thresholds(w, csv->validation(), z);
    w.outcomes = csv;
    return;
  }

  n.allow_keys(scenario_keys::models_proxy);
  // Which real model each proxy stands for: the proxies file, overridable per scenario.
  json proxies_doc = read_json_file(proxies_file);
  JsonNode proot(proxies_doc, proxies_file);
  proot.allow_keys({"description", "proxies"});
  std::map<std::string, std::string> stands_for;
  JsonNode plist = proot.at("proxies");
  for (const auto& [name, _] : plist.raw().items()) {
    JsonNode p = plist.at(name);
    p.allow_keys({"stands_for", "why"});
    if (!proxy_spec(name)) p.fail("a proxy is named proxy_linear or proxy_mlp<hidden units>");
    stands_for[name] = known_model(p.at("stands_for"));
  }
  if (auto s = n.find("stands_for")) {
    if (!s->raw().is_object()) s->fail("expected an object of proxy -> profiled model");
    for (const auto& [name, _] : s->raw().items()) stands_for[name] = known_model(s->at(name));
  }
  std::vector<std::string> pool;
  std::vector<JsonNode> pool_nodes;
  if (auto p = n.find("pool")) {
    for (const auto& item : p->items()) {
      pool.push_back(item.text());
      pool_nodes.push_back(item);
    }
    if (pool.empty()) p->fail("the pool is empty");
  } else {
    for (const auto& s : serving::default_proxy_family()) pool.push_back(s.name);
  }
  std::vector<serving::ProxyVariantSpec> specs;
  for (size_t i = 0; i < pool.size(); ++i) {
    auto fail = [&](const std::string& why) {
      if (i < pool_nodes.size()) pool_nodes[i].fail(why);
      n.fail(why);
    };
    auto spec = proxy_spec(pool[i]);
    if (!spec) fail(fmt::format("unknown model \"{}\": proxies are proxy_linear or proxy_mlp<hidden units>", pool[i]));
    if (!stands_for.contains(pool[i])) fail(fmt::format("no profiled model for \"{}\": add it to stands_for", pool[i]));
    if (std::count(pool.begin(), pool.end(), pool[i]) > 1) fail(fmt::format("\"{}\" is in the pool twice", pool[i]));
    specs.push_back({pool[i], *spec});
  }
  auto index_of = [&](const JsonNode& node) {
    std::string name = node.text();
    auto it = std::find(pool.begin(), pool.end(), name);
    if (it == pool.end()) node.fail(fmt::format("unknown model \"{}\": not in the pool", name));
    return int(it - pool.begin());
  };
  w.edge_model = n.has("edge") ? index_of(n.at("edge")) : 0;
  w.dc_model = n.has("dc") ? index_of(n.at("dc")) : int(pool.size()) - 1;

  serving::ProxyFamilyOptions options;
  options.dataset_dir = resolve_path(base_dir, n.text_or("dataset", learning::fashion_mnist_dir));
  options.seed = std::uint64_t(n.integer_or("seed", 1, 0, (1LL << 53)));
  options.epochs = int(n.integer_or("epochs", options.epochs, 1, 100));
  options.cache_dir = proxy_cache_dir();
  std::shared_ptr<const serving::ProxyFamily> family;
  try {
    family = proxy_family(specs, options);
  } catch (const learning::DatasetError& e) {
    (n.has("dataset") ? n.at("dataset") : n).fail(e.what());
  }
  auto proxies = std::make_shared<ProxyOutcomes>(family);
  // Validation under the camera link's loss (lossy transport): the models are profiled on
  // frames as they will arrive, so loss lowers the accuracies that thresholds are fitted to.
  const auto validation = proxies->validation(w.packets(), camera_loss, learning::derive_seed(options.seed, 7));
  const size_t n_val = validation.size();
  for (int v = 0; v < family->size(); ++v) {
    double correct = 0;
    for (const auto& sample : validation) correct += sample[size_t(v)].correct;
    const double measured = correct / double(n_val);
    w.variants.push_back(variant_from_profile(profiles, pool[size_t(v)], stands_for.at(pool[size_t(v)]), w,
                                              serving::accuracy_lower_bound(measured, n_val, z), measured,
                                              family->test_accuracy(v)));
  }
  std::vector<serving::CascadeSample> cascade;
  cascade.reserve(n_val);
  for (const auto& sample : validation)
    cascade.push_back({sample[size_t(w.edge_model)].confidence, sample[size_t(w.edge_model)].correct,
                       sample[size_t(w.dc_model)].correct});
  set_thresholds(w, cascade, z);
  w.outcomes = proxies;
}

}  // namespace

InferenceWorkload parse_inference(const JsonNode& n, const Topology& topology, const std::string& base_dir) {
  n.allow_keys(scenario_keys::inference);
  InferenceWorkload w;
  w.system = *serving::systems().find(n.at("system").choice(serving::systems().names()));
  w.camera_hosts = topology.names_with_role(NodeRole::client);
  w.edge_hosts = topology.names_with_role(NodeRole::edge);
  w.dc_hosts = topology.names_with_role(NodeRole::datacenter);
  if (w.camera_hosts.empty() || w.edge_hosts.empty() || w.dc_hosts.empty())
    n.fail(fmt::format("an inference workload needs cameras, edge devices and DC servers; the {} topology has {}, {} and {} "
                       "(use edge_dc, or a fabric with edge_sites and dc_servers)",
                       topology.kind, w.camera_hosts.size(), w.edge_hosts.size(), w.dc_hosts.size()));
  const int cameras = int(w.camera_hosts.size());

  JsonNode arrivals = n.at("arrivals");
  const auto& registry = serving::arrival_processes();
  const serving::ArrivalEntry& process = *registry.find(arrivals.at("process").choice(registry.names()));
  w.arrivals = &process;
  if (process.from_trace) {
    arrivals.allow_keys(scenario_keys::arrivals_trace);
    try {
      w.trace = read_arrival_trace(resolve_path(base_dir, arrivals.at("file").text()), cameras);
    } catch (const BadInput& e) {
      arrivals.at("file").fail(e.what());
    }
    w.duration_s = n.quantity_or("duration", Dimension::duration, std::numeric_limits<double>::infinity());
  } else {
    arrivals.allow_keys(scenario_keys::arrivals_rate);
    JsonNode rate = arrivals.at("rate");
    w.rate_per_s = rate.quantity(Dimension::frequency);
    if (!(w.rate_per_s > 0)) rate.fail("the rate must be positive (requests per second per camera, e.g. \"30/s\")");
    w.duration_s = n.at("duration").positive_quantity(Dimension::duration);
  }
  if (!(w.duration_s > 0)) n.at("duration").fail("must be positive");
  if (!process.from_trace) {
    const double expected = w.rate_per_s * w.duration_s * cameras;
    if (!(expected <= max_inference_requests))
      n.at("duration").fail(fmt::format("{:.3g} requests expected ({} cameras x rate x duration); a run holds at most {:.0f}",
                                        expected, cameras, max_inference_requests));
  }

  JsonNode tiers = n.at("tiers");
  double shares = 0;
  for (const auto& t : tiers.items()) {
    t.allow_keys(scenario_keys::tier);
    TierSpec tier{t.at("accuracy").number(0, 1), t.number_or("share", 1, 0, 1e9)};
    if (!(tier.accuracy > 0)) t.at("accuracy").fail("must be above 0");
    if (!(tier.share > 0)) t.at("share").fail("must be positive");
    if (auto d = t.find("deadline")) tier.deadline_s = d->positive_quantity(Dimension::duration);
    shares += tier.share;
    w.tiers.push_back(tier);
  }
  if (w.tiers.empty()) tiers.fail("give at least one tier");
  for (auto& t : w.tiers) t.share /= shares;

  if (auto f = n.find("frame")) {
    f->allow_keys(scenario_keys::frame);
    w.frame_bytes = f->quantity_or("size", Dimension::size, w.frame_bytes);
    w.packet_bytes = f->quantity_or("packet", Dimension::size, w.packet_bytes);
    if (!(w.frame_bytes > 0)) f->at("size").fail("must be positive");
    if (!(w.packet_bytes >= 64)) f->at("packet").fail("must be at least 64B");
    if (w.packets() > 65535) f->at("size").fail("more than 65,535 packets per frame");
    if (f->text_or("transport", "lossy") == "reliable") w.transport = serving::TransportKind::reliable;
    else if (auto t = f->find("transport")) t->choice({"lossy", "reliable"});
    w.rto_s = f->quantity_or("rto", Dimension::duration, w.rto_s);
    if (!(w.rto_s > 0)) f->at("rto").fail("must be positive");
  }
  w.reply_bytes = n.quantity_or("reply", Dimension::size, w.reply_bytes);
  if (auto b = n.find("requests_csv")) w.requests_csv = b->boolean();

  ProfileFiles files{profiles_dir() + "/inference/devices.json", profiles_dir() + "/inference/models.json",
                     profiles_dir() + "/inference/proxies.json"};
  if (auto p = n.find("profiles")) {
    p->allow_keys(scenario_keys::profiles);
    if (auto d = p->find("devices")) files.devices = resolve_path(base_dir, d->text());
    if (auto m = p->find("models")) files.models = resolve_path(base_dir, m->text());
    if (auto x = p->find("proxies")) files.proxies = resolve_path(base_dir, x->text());
  }
  InferenceProfiles profiles = load_inference_profiles(files.devices, files.models);
  w.profiles_note = fmt::format("devices {}, models {}", std::filesystem::path(files.devices).filename().string(),
                                std::filesystem::path(files.models).filename().string());

  auto device = [&](const JsonNode& node, std::string_view tier) {
    std::string id = node.text();
    auto it = profiles.devices.find(id);
    if (it == profiles.devices.end()) node.fail(fmt::format("unknown device \"{}\" (not in {})", id, files.devices));
    if (it->second.tier != tier) node.fail(fmt::format("\"{}\" is a {} device, not an {} one", id, it->second.tier, tier));
    return it->second;
  };
  JsonNode edge = n.at("edge");
  edge.allow_keys(scenario_keys::inference_edge);
  if (auto sv = edge.find("service")) w.edge_service_exponential = sv->choice({"deterministic", "exponential"}) == "exponential";
  DeviceProfile edge_device = device(edge.at("device"), "edge");
  w.edge_device = edge_device.id;
  w.edge_profile = edge_device;
  w.edge_memory_bytes = edge.quantity_or("memory", Dimension::size, edge_device.memory_bytes);
  if (!(w.edge_memory_bytes > 0)) edge.at("memory").fail("must be positive");
  JsonNode dc = n.at("dc");
  dc.allow_keys(scenario_keys::inference_dc);
  // The first `servers` DC hosts serve; the rest are free for another workload (a training job).
  if (auto sv = dc.find("servers")) w.dc_hosts.resize(size_t(sv->integer(1, (long long)w.dc_hosts.size())));
  DeviceProfile dc_device = device(dc.at("device"), "dc");
  w.dc_device = dc_device.id;
  w.dc_profile = dc_device;
  w.dc_max_batch = int(dc.integer_or("max_batch", w.dc_max_batch, 1, 4096));

  JsonNode models = n.at("models");
  double camera_loss = 0;
  if (w.transport == serving::TransportKind::lossy)
    for (const auto& l : topology.links)
      if (topology.nodes[l.a].role == NodeRole::client || topology.nodes[l.b].role == NodeRole::client)
        camera_loss = std::max(camera_loss, l.spec.loss_rate);
  parse_models(models, base_dir, profiles, files.proxies, camera_loss, w);

  // Every system must be able to run: the cascade's models on their devices, and each tier
  // within reach of the best variant on the validation split.
  const VariantSpec& em = w.variants[size_t(w.edge_model)];
  const VariantSpec& dm = w.variants[size_t(w.dc_model)];
  JsonNode where = models.has("edge") ? models.at("edge") : models;
  if (em.edge_latency.empty())
    where.fail(fmt::format("{} (as {}) has no profile on the edge device {}", em.name, em.stands_for, w.edge_device));
  if (em.memory_bytes > w.edge_memory_bytes)
    where.fail(fmt::format("{} (as {}, {:.0f} MB) does not fit the edge's {:.0f} MB", em.name, em.stands_for,
                           em.memory_bytes / 1e6, w.edge_memory_bytes / 1e6));
  if (dm.dc_latency.empty())
    (models.has("dc") ? models.at("dc") : models)
        .fail(fmt::format("{} (as {}) has no profile on the DC device {}", dm.name, dm.stands_for, w.dc_device));
  double best = 0;
  std::string best_name;
  for (const auto& v : w.variants)
    if (v.accuracy > best) best = v.accuracy, best_name = v.name;
  auto items = tiers.items();
  for (size_t i = 0; i < w.tiers.size(); ++i) {
    if (w.tiers[i].accuracy > best + 1e-12)
      items[i].at("accuracy").fail(fmt::format(
          "{:.4f} is above the best model's accuracy ({} {:.4f}: its {:g}% lower bound on the validation split)",
          w.tiers[i].accuracy, best_name, best, 100 * w.tier_confidence));
    if (w.system->traits.cascade && w.thresholds[i].threshold < 0)
      items[i].at("accuracy").fail(fmt::format("{:.4f} is above what the {} -> {} cascade reaches on the validation split",
                                               w.tiers[i].accuracy, em.name, dm.name));
  }
  return w;
}

}  // namespace cs
