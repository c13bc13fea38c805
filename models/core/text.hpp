#pragma once
// Small text helpers for error messages.
#include <span>
#include <string>
#include <string_view>

namespace cs {

size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small edit distance, or "" when none is close enough, or when
// finding it would take more than about 10^7 steps (huge words, or very many candidates).
std::string closest_match(std::string_view word, std::span<const std::string_view> candidates);
// " (did you mean \"x\"?)" or "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace cs
