#include <charconv>
#include <fmt/format.h>

#include "scenario.hpp"

namespace cs {
namespace {

// "1": "4.4ms", "8": "12.4ms" -> a curve; batches ascending from 1, latencies increasing.
serving::LatencyCurve parse_latency(const JsonNode& n) {
  if (!n.raw().is_object() || n.raw().empty()) n.fail("expected an object of batch size -> latency, e.g. {\"1\": \"4.4ms\"}");
  std::vector<std::pair<int, double>> points;
  for (const auto& [key, value] : n.raw().items()) {
    // A batch above the DC's largest (max_batch <= 4096) is never looked up; 65,536 bounds it.
    int batch = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), batch);
    if (ec != std::errc() || end != key.data() + key.size() || batch < 1 || batch > 65536)
      n.fail(fmt::format("batch size \"{}\" is not an integer in [1, 65536]", key));
    points.emplace_back(batch, n.at(key).positive_quantity(Dimension::duration));
  }
  std::sort(points.begin(), points.end());
  if (points.front().first != 1) n.fail("the batch sizes must include 1");
  for (size_t i = 1; i < points.size(); ++i)
    if (points[i].second < points[i - 1].second)
      n.at(std::to_string(points[i].first)).fail("latency decreases with a larger batch");
  return serving::LatencyCurve(std::move(points));
}

// Calls visit(id, entry) for every member of `key` in `file`, a {"description", key: {id: ...}}
// object: both profile files have this shape.
template <class Visit>
void for_each_profile(const std::string& file, std::string_view key, Visit visit) {
  json doc = read_json_file(file);
  JsonNode root(doc, file);
  root.allow_keys({"description", key});
  JsonNode entries = root.at(key);
  if (!entries.raw().is_object()) entries.fail("expected an object of id -> profile");
  for (const auto& [id, _] : entries.raw().items()) visit(id, entries.at(id));
}

}  // namespace

InferenceProfiles load_inference_profiles(const std::string& devices_file, const std::string& models_file) {
  InferenceProfiles p{devices_file, models_file, {}, {}};
  for_each_profile(devices_file, "devices", [&](const std::string& id, const JsonNode& d) {
    d.allow_keys({"name", "tier", "memory", "idle_power", "busy_power", "source"});
    DeviceProfile dev{id, d.text_or("name", id), d.at("tier").choice({"edge", "dc"}),
                      d.at("memory").positive_quantity(Dimension::size), d.at("idle_power").quantity(Dimension::power),
                      d.at("busy_power").quantity(Dimension::power)};
    if (dev.busy_w < dev.idle_w) d.at("busy_power").fail("busy_power is below idle_power");
    p.devices.emplace(id, std::move(dev));
  });
  for_each_profile(models_file, "models", [&](const std::string& id, const JsonNode& m) {
    m.allow_keys({"name", "top1", "params", "gflops", "memory", "source", "devices"});
    ModelProfile model{id, m.text_or("name", id), m.at("top1").number(0, 1), m.at("memory").positive_quantity(Dimension::size), {}};
    JsonNode on = m.at("devices");
    if (!on.raw().is_object()) on.fail("expected an object of device id -> latency and load");
    for (const auto& [device, __] : on.raw().items()) {
      JsonNode e = on.at(device);
      if (!p.devices.contains(device))
        e.fail(fmt::format("unknown device \"{}\" (not in {})", device, devices_file));
      e.allow_keys({"latency", "load", "source", "note"});
      model.devices.emplace(device, ModelOnDevice{parse_latency(e.at("latency")), e.at("load").quantity(Dimension::duration)});
    }
    p.models.emplace(id, std::move(model));
  });
  return p;
}

}  // namespace cs
