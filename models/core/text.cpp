#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <vector>

namespace cs {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      // Through unsigned char: std::tolower of a negative char (UTF-8 bytes) is undefined.
      bool same = std::tolower((unsigned char)a[i - 1]) == std::tolower((unsigned char)b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  // The distance costs length x length: a hostile file's 60 MB key against the allowed keys, or
  // a --set pointer against an object of a million keys, took tens of seconds for a courtesy.
  // Past this many cells, no suggestion (a typo in a short name costs a few thousand).
  constexpr size_t max_cells = 10'000'000;
  std::string_view best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1, cells = 0;
  for (auto c : candidates) {
    // The distance is at least the difference in length: such a candidate cannot be closer.
    if ((word.size() > c.size() ? word.size() - c.size() : c.size() - word.size()) >= best_distance) continue;
    cells += (word.size() + 1) * (c.size() + 1);
    if (cells > max_cells) return "";
    size_t d = edit_distance(word, c);
    if (d < best_distance) best = c, best_distance = d;
  }
  return std::string(best);
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  std::string m = closest_match(word, candidates);
  return m.empty() ? std::string() : fmt::format(" (did you mean \"{}\"?)", m);
}

}  // namespace cs
