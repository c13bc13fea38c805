#pragma once
// Helpers shared by the unit tests: the message of the BadInput a call throws.
#include <gtest/gtest.h>

#include <string>

#include "platform/topology.hpp"
#include "scenario/bad_input.hpp"

namespace cs::testing {

// The what() of the BadInput that `body` throws; fails the test if it throws nothing.
template <class F>
std::string bad_input_of(F&& body) {
  try {
    body();
  } catch (const BadInput& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a BadInput";
  return "";
}

}  // namespace cs::testing

// Substring check with the whole message shown on failure.
#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace cs::testing {

// Writes `content` to a fresh file under a per-process temporary directory; returns its path.
inline std::string write_temp_file(const std::string& name, const std::string& content) {
  auto dir = std::filesystem::temp_directory_path() / ("clustersim-unit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  return path.string();
}

// A link of `bandwidth_bps` with the other fields at their defaults (topology tests).
inline LinkSpec link_of(double bandwidth_bps) {
  LinkSpec l;
  l.bandwidth_bps = bandwidth_bps;
  return l;
}

}  // namespace cs::testing
