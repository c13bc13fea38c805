#pragma once
// One analytic check: asserts it, and records it for docs/validation.md.
//
//   #include "validation/record.hpp"   // tests/ is on the include path of sim_tests and unit_tests
//   validation::check("", "PS iteration time, 4 workers", "c + 2 (n G / B + 2 l)",
//                     "n=4, G=102.4 MB, B=25 Gbps, l=2 us, c=50 ms", expected, measured, 1e-9);
//
// - test_name: "" means the running GoogleTest test ("Suite.Name"); pass a name only to override.
// - quantity: what is measured (one row per distinct test_name + quantity + params).
// - closed_form: the formula, as text (plain ASCII reads best in the table).
// - params: the parameter values, as text.
// - expected: the closed form's value (or a cited value); measured: what the simulator gave.
// - rel_tolerance: the check passes when |measured - expected| <= rel_tolerance x |expected|
//   (EXPECT_NEAR). When expected is exactly 0, rel_tolerance is an absolute bound instead.
//
// When the environment variable CLUSTERSIM_VALIDATION_LOG names a file, every call appends one
// JSON line to it (O_APPEND, one write: safe with several processes). scripts/validation_table.py
// turns the log into docs/validation.md; the ctest test `validation/table` fails when the
// committed table differs from the one the test run produces.
//
// Call it in the test's own process, not inside run_in_child's body (a forked child's assertion
// failures are lost; its log line would still be written).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

namespace validation {

// |measured - expected| / |expected|, or |measured - expected| when expected is 0.
inline double relative_error(double expected, double measured) {
  const double diff = std::fabs(measured - expected);
  return expected == 0 ? diff : diff / std::fabs(expected);
}

inline std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return info ? std::string(info->test_suite_name()) + "." + info->name() : std::string("(no test)");
}

inline void check(const std::string& test_name, const std::string& quantity, const std::string& closed_form,
                  const std::string& params, double expected, double measured, double rel_tolerance) {
  const std::string test = test_name.empty() ? current_test_name() : test_name;
  const double bound = expected == 0 ? rel_tolerance : rel_tolerance * std::fabs(expected);
  EXPECT_NEAR(measured, expected, bound) << quantity << " = " << closed_form << " (" << params << ")";
  const char* log = std::getenv("CLUSTERSIM_VALIDATION_LOG");
  if (log == nullptr || *log == '\0') return;
  const bool relative = expected != 0;
  const double error = relative_error(expected, measured);
  nlohmann::json row = {{"test", test},
                        {"quantity", quantity},
                        {"closed_form", closed_form},
                        {"params", params},
                        {"expected", expected},
                        {"measured", measured},
                        {"error", error},
                        {"relative", relative},
                        {"tolerance", rel_tolerance},
                        {"passed", std::isfinite(measured) && error <= rel_tolerance}};
  const std::string line = row.dump() + "\n";
  const int fd = ::open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    ADD_FAILURE() << "cannot open CLUSTERSIM_VALIDATION_LOG=" << log;
    return;
  }
  const ssize_t written = ::write(fd, line.data(), line.size());
  ::close(fd);
  if (written != ssize_t(line.size())) ADD_FAILURE() << "short write to CLUSTERSIM_VALIDATION_LOG=" << log;
}

}  // namespace validation
