#pragma once
// Parameter counts of common DNNs: the gradient a data-parallel job exchanges each iteration.
#include <optional>
#include <span>
#include <string_view>

namespace cs {

struct DnnModel {
  std::string_view name;
  double parameters;  // count; gradients are fp32 unless a compression scheme says otherwise
  std::string_view source;
};

std::span<const DnnModel> model_zoo();
std::optional<DnnModel> find_model(std::string_view name);  // case-insensitive
constexpr double fp32_gradient_bytes(const DnnModel& m) { return m.parameters * 4.0; }

}  // namespace cs
