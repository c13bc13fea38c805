// Edit distance and did-you-mean suggestions for misspelt keys and names.
#include <gtest/gtest.h>

#include <array>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "core/text.hpp"

using namespace cs;

namespace {
constexpr std::array<std::string_view, 4> keys{"bandwidth", "latency", "loss_rate", "bandwidth_trace"};
}

TEST(Text, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
  EXPECT_EQ(edit_distance("Star", "star"), 0u);  // case-insensitive
}

TEST(Text, SuggestsTheClosestCandidate) {
  EXPECT_EQ(closest_match("bandwith", keys), "bandwidth");
  EXPECT_EQ(closest_match("latancy", keys), "latency");
  EXPECT_EQ(closest_match("Latency", keys), "latency");
  EXPECT_EQ(did_you_mean("lossrate", keys), " (did you mean \"loss_rate\"?)");
}

TEST(Text, NoSuggestionWhenNothingIsClose) {
  EXPECT_EQ(closest_match("colour", keys), "");
  EXPECT_EQ(did_you_mean("zzz", keys), "");
  EXPECT_EQ(did_you_mean("bandwidth", {}), "");
}

TEST(Text, NonAsciiInputIsSafe) {
  // Bytes above 0x7f are negative chars; they must compare without undefined behaviour.
  EXPECT_EQ(edit_distance("b\xc3\xa4ndwidth", "bandwidth"), 2u);
  EXPECT_EQ(closest_match("l\xc3\xa4tency", keys), "latency");
}

TEST(Text, HugeInputsGetNoSuggestionQuickly) {
  // Hostile input: a 60 MB key, or a million candidates; each took tens of seconds.
  const std::string huge(60'000'000, 'x');
  EXPECT_EQ(closest_match(huge, keys), "");
  std::vector<std::string> many;
  for (int i = 0; i < 1'000'000; ++i) many.push_back(fmt::format("zzzzzz{:06}", i));
  many.push_back("key_number_y");
  std::vector<std::string_view> views(many.begin(), many.end());
  EXPECT_EQ(closest_match("key_number_x", views), "");  // the close one lies beyond the budget
  EXPECT_EQ(closest_match("key_number_x", std::span(views).last(10)), "key_number_y");
}
