#pragma once
// A CSV table built row by row; numbers are written in their shortest round-trip form so
// that the same run gives byte-identical files.
#include <fmt/format.h>
#include <string>
#include <vector>

namespace cs {

struct Table {
  std::string name;  // file stem: jobs -> jobs.csv
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  // Rows already in CSV form (each ending in '\n', no quoting needed), after `rows`: tables of
  // a row per request format straight into one buffer instead of a string per cell.
  std::string preformatted = {};  // defaulted: Table{name, columns, rows} stays complete

  template <class... Values>
  void add(const Values&... values) {
    rows.push_back({fmt::format("{}", values)...});
  }
  std::string to_csv() const;
};

}  // namespace cs
