#include "model_zoo.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace cs {
namespace {
constexpr std::string_view torchvision = "torchvision model summaries";
constexpr std::array zoo{
    DnnModel{"AlexNet", 61.1e6, torchvision},    DnnModel{"VGG16", 138.4e6, torchvision},
    DnnModel{"VGG19", 143.7e6, torchvision},     DnnModel{"ResNet18", 11.7e6, torchvision},
    DnnModel{"ResNet50", 25.6e6, torchvision},   DnnModel{"ResNet101", 44.5e6, torchvision},
    DnnModel{"ResNet152", 60.2e6, torchvision},  DnnModel{"Inception", 23.8e6, "Inception-v3 (Szegedy et al. 2016)"},
    DnnModel{"GoogLeNet", 6.6e6, torchvision},   DnnModel{"BERT-base", 110e6, "Devlin et al. 2019"},
    DnnModel{"BERT-large", 335e6, "Devlin et al. 2019"}, DnnModel{"GPT2", 124e6, "Radford et al. 2019 (small)"},
};

bool iequal(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}
}  // namespace

std::span<const DnnModel> model_zoo() { return zoo; }

std::optional<DnnModel> find_model(std::string_view name) {
  for (const auto& m : zoo)
    if (iequal(m.name, name)) return m;
  return std::nullopt;
}

}  // namespace cs
