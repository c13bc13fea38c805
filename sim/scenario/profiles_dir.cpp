#include "scenario/profiles_dir.hpp"

#include <filesystem>
#include <system_error>

namespace cs {
namespace fs = std::filesystem;

namespace {

std::string locate() {
  std::error_code ec;
  // The binary's own location, not the working directory nor argv[0] (a name found on PATH).
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // ../share/clustersim/profiles with the default layout (CMakeLists.txt: the install directories).
    const fs::path installed = (exe.parent_path() / CLUSTERSIM_INSTALLED_PROFILES).lexically_normal();
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return CLUSTERSIM_SOURCE_PROFILES_DIR;
}

}  // namespace

const std::string& profiles_dir() {
  static const std::string dir = locate();
  return dir;
}

}  // namespace cs
