#include "table.hpp"

namespace cs {
namespace {
void append_field(std::string& out, const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  out += '"';
}
void append_row(std::string& out, const std::vector<std::string>& row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += ',';
    append_field(out, row[i]);
  }
  out += '\n';
}
}  // namespace

std::string Table::to_csv() const {
  std::string out;
  append_row(out, columns);
  for (const auto& r : rows) append_row(out, r);
  out += preformatted;
  return out;
}

}  // namespace cs
