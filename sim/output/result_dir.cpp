#include "result_dir.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <unistd.h>
#include <utility>

#include "scenario/bad_input.hpp"

namespace cs {
namespace fs = std::filesystem;
namespace {

// Files written under temporary names ("<target>.tmp<pid>"), renamed into place by commit();
// whatever is not committed is removed when the Staging goes, so a failure (a full disk, a
// killed write) leaves no temporaries behind.
class Staging {
 public:
  Staging() = default;
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  ~Staging() {
    std::error_code ignored;
    for (const auto& [temporary, target] : staged_) fs::remove(temporary, ignored);
  }

  void stage(const fs::path& target, const std::string& content) {
    fs::path temporary = target;
    temporary += ".tmp" + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(target, errno);
    staged_.emplace_back(temporary, target);  // from here on removed on failure
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int error = n < 0 ? errno : EIO;
        ::close(fd);
        fail(target, error);
      }
      p += n, left -= size_t(n);
    }
    if (::close(fd) != 0) fail(target, errno);
  }

  // Renames in staging order; a rename that fails throws, and what is left is removed.
  void commit() {
    while (!staged_.empty()) {
      auto [temporary, target] = staged_.front();
      std::error_code ec;
      fs::rename(temporary, target, ec);
      if (ec) throw std::runtime_error("cannot write " + target.string() + ": " + ec.message());
      staged_.erase(staged_.begin());
    }
  }

 private:
  [[noreturn]] static void fail(const fs::path& target, int error) {
    throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(error));
  }
  std::vector<std::pair<fs::path, fs::path>> staged_;
};

void make_directories(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create the directory " + dir.string() + ": " + ec.message());
}

// The previous result's own files, or nothing when `dir` holds no clustersim summary.json.
std::optional<std::vector<std::string>> previous_result(const std::string& dir) {
  std::error_code ec;
  const fs::path summary = fs::path(dir) / "summary.json";
  if (!fs::is_regular_file(summary, ec)) return std::nullopt;
  std::ifstream in(summary);
  const auto doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_object() || !doc.contains("clustersim")) return std::nullopt;
  // A name of ours is a plain file name (no folder part): a tampered summary cannot reach out.
  auto ours = [](const nlohmann::json& v) {
    if (!v.is_string()) return false;
    const std::string n = v.get<std::string>();
    return !n.empty() && n.find('/') == std::string::npos && n != "." && n != ".." &&
           (n == "trace.json" || (n.size() > 4 && n.ends_with(".csv")));
  };
  std::vector<std::string> names;
  if (doc.contains("files") && doc["files"].is_array())
    for (const auto& f : doc["files"])
      if (ours(f)) names.push_back(f.get<std::string>());
  if (doc.contains("trace") && ours(doc["trace"])) names.push_back(doc["trace"].get<std::string>());
  return names;
}

}  // namespace

std::vector<std::string> previous_result_files(const std::string& dir) {
  return previous_result(dir).value_or(std::vector<std::string>{});
}

void check_result_dir(const std::string& dir, const std::vector<std::string>& will_write) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;  // missing: created for the run
  const auto previous = previous_result(dir);
  auto refuse = [&](const std::string& why) { throw BadInput(fmt::format("--out {}: {}", dir, why)); };
  if (!previous) {
    std::vector<std::string> foreign;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (std::find(std::begin(sweep_runner_files), std::end(sweep_runner_files), name) == std::end(sweep_runner_files))
        foreign.push_back(name);
    }
    if (ec) refuse(fmt::format("cannot list the folder ({})", ec.message()));
    if (!foreign.empty()) {
      std::sort(foreign.begin(), foreign.end());
      refuse(fmt::format("the folder holds {}{} but no clustersim summary.json; clustersim writes only into a new or "
                         "empty folder or over a previous clustersim result",
                         foreign.front(), foreign.size() > 1 ? fmt::format(" (and {} more)", foreign.size() - 1) : ""));
    }
  }
  // Over a previous result: its own files may be replaced, nothing else.
  for (const auto& name : will_write) {
    if (name == "summary.json" && previous) continue;
    if (previous && std::find(previous->begin(), previous->end(), name) != previous->end()) continue;
    if (fs::exists(fs::symlink_status(fs::path(dir) / name, ec)))
      refuse(fmt::format("{} is there and the previous result does not list it: clustersim will not overwrite it", name));
  }
}

void write_result_dir(const std::string& dir, const std::string& summary_json, const std::vector<Table>& tables,
                      const std::string& trace_json, const std::string& extra_path, const std::string& extra_content) {
  make_directories(dir);
  if (!extra_path.empty() && fs::path(extra_path).has_parent_path()) make_directories(fs::path(extra_path).parent_path());
  Staging staging;
  for (const auto& t : tables) staging.stage(fs::path(dir) / (t.name + ".csv"), t.to_csv());
  if (!trace_json.empty()) staging.stage(fs::path(dir) / "trace.json", trace_json);
  if (!extra_path.empty()) staging.stage(extra_path, extra_content);
  staging.stage(fs::path(dir) / "summary.json", summary_json);
  // Everything is written: a previous run's files go now, so that none this run does not write
  // stays behind. Only the files its summary lists as its own ("files", "trace"): anything else
  // in the folder is the user's. Its summary first, so that a failure below leaves no summary
  // claiming files that are gone.
  const std::vector<std::string> previous = previous_result_files(dir);
  std::error_code ignored;
  fs::remove(fs::path(dir) / "summary.json", ignored);
  for (const auto& name : previous) fs::remove(fs::path(dir) / name, ignored);
  staging.commit();
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const fs::path target(path);
  if (target.has_parent_path()) make_directories(target.parent_path());
  Staging staging;
  staging.stage(target, content);
  staging.commit();
}

}  // namespace cs
