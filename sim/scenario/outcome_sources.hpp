#pragma once
// The two sources of per-request model outputs: the built-in proxy classifiers (which really
// run on each request's image, degraded by lost packets), and a user's per-sample CSV.
#include <memory>
#include <string>
#include <vector>

#include "inference_spec.hpp"
#include "serving/proxy_family.hpp"

namespace cs {

// The proxy family's variants, in the family's order, answer on Fashion-MNIST test images.
class ProxyOutcomes final : public OutcomeSource {
 public:
  explicit ProxyOutcomes(std::shared_ptr<const serving::ProxyFamily> family) : family_(std::move(family)) {}
  std::uint32_t samples() const override;
  Outcome outcome(int variant, std::uint32_t sample, const std::vector<std::uint16_t>& lost, int packets) const override;
  bool degrades_with_loss() const override { return true; }
  std::string describe() const override;
  // The image's index in the Fashion-MNIST test file (requests carry its odd images).
  std::string sample_id(std::uint32_t sample) const override { return std::to_string(2 * std::uint64_t(sample) + 1); }
  const serving::ProxyFamily& family() const { return *family_; }
  // Every variant's outcome on each validation image ([image][variant]) as a lossy camera link
  // with `loss_rate` per packet delivers it: thresholds and accuracies are then measured under
  // the loss the requests will see. loss_rate 0: the clean images.
  std::vector<std::vector<Outcome>> validation(int packets, double loss_rate, std::uint64_t seed) const;

 private:
  std::shared_ptr<const serving::ProxyFamily> family_;
};

// A CSV of "sample_id,edge_confidence,edge_correct,dc_correct[,split]" for one edge/DC model
// pair: variant 0 is the edge model, 1 the DC model. Rows whose split is "val" (or, without
// that column, the first half of the rows) form the validation split; the rest are the
// samples requests draw from. Sample ids are unique and non-empty; requests.csv reports them.
class CsvOutcomes final : public OutcomeSource {
 public:
  // Throws BadInput naming the file and line.
  explicit CsvOutcomes(const std::string& path);
  std::uint32_t samples() const override { return std::uint32_t(test_.size()); }
  Outcome outcome(int variant, std::uint32_t sample, const std::vector<std::uint16_t>&, int) const override;
  bool degrades_with_loss() const override { return false; }
  std::string describe() const override;
  std::string sample_id(std::uint32_t sample) const override { return test_ids_[sample]; }

  const std::vector<serving::CascadeSample>& validation() const { return validation_; }
  const std::vector<serving::CascadeSample>& test() const { return test_; }
  // Accuracy of variant 0 (edge) or 1 (DC) on a split.
  static double accuracy(const std::vector<serving::CascadeSample>& split, int variant);

 private:
  std::string path_;
  std::vector<serving::CascadeSample> validation_, test_;
  std::vector<std::string> test_ids_;  // the user's sample_id of each test_ sample
};

}  // namespace cs
