#include "outcome_sources.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <sstream>
#include <unordered_map>

#include "learning/random.hpp"

#include "bad_input.hpp"
#include "json_node.hpp"
#include "serving/transport.hpp"

namespace cs {

std::uint32_t ProxyOutcomes::samples() const {
  return family_->request_images();
}

Outcome ProxyOutcomes::outcome(int variant, std::uint32_t sample, const std::vector<std::uint16_t>& lost,
                               int packets) const {
  const auto& test = family_->test_set();
  sample = 2 * sample + 1;  // the odd test images (serving/proxy_family.hpp)
  serving::Prediction p;
  if (lost.empty()) {
    p = family_->predict_test(variant, sample);
  } else {
    // The model runs on what arrived: the lost packets' rows concealed with a flat patch.
    std::vector<float> image(test.image(sample), test.image(sample) + test.features());
    serving::conceal_lost_packets(image.data(), test.rows, test.cols, packets, lost, family_->mean_pixel());
    p = family_->predict(variant, image);
  }
  return {p.confidence, p.label == test.labels[sample]};
}

std::vector<std::vector<Outcome>> ProxyOutcomes::validation(int packets, double loss_rate, std::uint64_t seed) const {
  const auto& test = family_->test_set();
  const std::uint32_t images = std::uint32_t(test.size() + 1) / 2;  // the even test images
  serving::TransportParams lossy{serving::TransportKind::lossy, packets, 1400, loss_rate, 0, 1};
  learning::SplitMix64 rng(seed);
  std::vector<std::vector<Outcome>> out(images, std::vector<Outcome>(size_t(family_->size())));
  std::vector<float> image(test.features());
  for (std::uint32_t k = 0; k < images; ++k) {
    const std::uint32_t n = 2 * k;
    const auto lost = serving::deliver_frame(lossy, rng).lost;
    if (!lost.empty()) {
      std::copy_n(test.image(n), test.features(), image.begin());
      serving::conceal_lost_packets(image.data(), test.rows, test.cols, packets, lost, family_->mean_pixel());
    }
    for (int v = 0; v < family_->size(); ++v) {
      const serving::Prediction p = lost.empty() ? family_->predict_test(v, n) : family_->predict(v, image);
      out[k][size_t(v)] = {p.confidence, p.label == test.labels[n]};
    }
  }
  return out;
}

std::string ProxyOutcomes::describe() const {
  std::string s = "built-in proxies on Fashion-MNIST (trained on 50,000 training images; validation: the 5,000 even test images; requests: the 5,000 odd ones):";
  for (int v = 0; v < family_->size(); ++v)
    s += fmt::format(" {} test {:.4f} T={:.3f};", family_->spec(v).name, family_->test_accuracy(v), family_->temperature(v));
  s.pop_back();
  return s;
}

CsvOutcomes::CsvOutcomes(const std::string& path) : path_(path) {
  std::istringstream in(read_input_file(path, "outcomes CSV"));
  std::string line;
  int number = 0;
  bool has_split = false, header = false;
  std::vector<std::pair<serving::CascadeSample, int>> rows;  // split: 0 val, 1 test, -1 unsplit
  std::vector<std::string> ids;                                // per row
  std::unordered_map<std::string, int> id_line;                // sample_id -> the line it is on
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    auto fail = [&](const std::string& why) { return BadInput(fmt::format("{}:{}: {}", path, number, why)); };
    if (!header) {
      header = true;
      if (cells.size() < 4 || cells[0] != "sample_id" || cells[1] != "edge_confidence" || cells[2] != "edge_correct" ||
          cells[3] != "dc_correct" || (cells.size() == 5 && cells[4] != "split") || cells.size() > 5)
        throw fail("expected the header \"sample_id,edge_confidence,edge_correct,dc_correct[,split]\"");
      has_split = cells.size() == 5;
      continue;
    }
    if (cells.size() != (has_split ? 5u : 4u)) throw fail(fmt::format("expected {} columns", has_split ? 5 : 4));
    // requests.csv names each request's sample by its id: an id must say which sample it is.
    if (cells[0].empty()) throw fail("sample_id is empty");
    if (auto [it, fresh] = id_line.try_emplace(cells[0], number); !fresh)
      throw fail(fmt::format("duplicate sample_id \"{}\" (first on line {})", cells[0], it->second));
    // from_chars, not stod: no locale, no blanks, and out of range reported, not thrown.
    double conf = 0;
    const std::string& c = cells[1];
    auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), conf);
    if (ec != std::errc() || end != c.data() + c.size() || c.empty())
      throw fail(fmt::format("edge_confidence \"{}\" is not a number", c));
    if (!(conf >= 0 && conf <= 1)) throw fail("edge_confidence must be in [0, 1]");
    auto flag = [&](const std::string& c, const char* name) {
      if (c != "0" && c != "1") throw fail(fmt::format("{} must be 0 or 1", name));
      return c == "1";
    };
    int split = -1;
    if (has_split) {
      if (cells[4] != "val" && cells[4] != "test") throw fail("split must be \"val\" or \"test\"");
      split = cells[4] == "val" ? 0 : 1;
    }
    rows.push_back({{float(conf), flag(cells[2], "edge_correct"), flag(cells[3], "dc_correct")}, split});
    ids.push_back(std::move(cells[0]));
  }
  if (rows.size() < 2) throw BadInput(fmt::format("{}: needs at least two samples (validation and test)", path));
  for (size_t i = 0; i < rows.size(); ++i) {
    int split = rows[i].second >= 0 ? rows[i].second : (i < rows.size() / 2 ? 0 : 1);
    (split == 0 ? validation_ : test_).push_back(rows[i].first);
    if (split != 0) test_ids_.push_back(std::move(ids[i]));
  }
  if (validation_.empty() || test_.empty())
    throw BadInput(fmt::format("{}: both a validation and a test split are needed", path));
}

Outcome CsvOutcomes::outcome(int variant, std::uint32_t sample, const std::vector<std::uint16_t>&, int) const {
  const auto& s = test_[sample];
  return variant == 0 ? Outcome{s.edge_confidence, s.edge_correct} : Outcome{1.0f, s.dc_correct};
}

std::string CsvOutcomes::describe() const {
  return fmt::format("per-sample outcomes from {} ({} validation, {} test samples)", path_, validation_.size(), test_.size());
}

double CsvOutcomes::accuracy(const std::vector<serving::CascadeSample>& split, int variant) {
  double correct = 0;
  for (const auto& s : split) correct += variant == 0 ? s.edge_correct : s.dc_correct;
  return split.empty() ? 0.0 : correct / double(split.size());
}

}  // namespace cs
