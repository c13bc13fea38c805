#include "result_dir.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace cs {
namespace fs = std::filesystem;
namespace {

void write_atomically(const fs::path& target, const std::string& content) {
  fs::path temporary = target;
  temporary += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  fs::rename(temporary, target);
}

}  // namespace

void write_result_dir(const std::string& dir, const std::string& summary_json, const std::vector<Table>& tables,
                      const std::string& trace_json) {
  fs::create_directories(dir);
  // A previous run's files go first: its summary, so that a crash below leaves no summary
  // claiming the new CSVs, and its CSVs and trace, so that none this run does not write stays behind.
  fs::remove(fs::path(dir) / "summary.json");
  fs::remove(fs::path(dir) / "trace.json");
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".csv") fs::remove(entry.path());
  for (const auto& t : tables) write_atomically(fs::path(dir) / (t.name + ".csv"), t.to_csv());
  if (!trace_json.empty()) write_atomically(fs::path(dir) / "trace.json", trace_json);
  write_atomically(fs::path(dir) / "summary.json", summary_json);
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  write_atomically(target, content);
}

}  // namespace cs
