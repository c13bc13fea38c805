#pragma once
// Runs a simulation in a forked child and hands its result back as JSON, because SimGrid
// allows one simulation per process (a second Engine carries the first one's clock on).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace cs::testing {

template <class F>
nlohmann::json run_in_child(F&& body) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string out;
    int status = 0;
    try {
      out = nlohmann::json(body()).dump();
    } catch (const std::exception& e) {
      out = nlohmann::json{{"child_exception", e.what()}}.dump();
      status = 3;
    }
    for (size_t done = 0; done < out.size();) {
      ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += size_t(n);
    }
    ::close(fds[1]);
    ::_exit(status);
  }
  ::close(fds[1]);
  std::string text;
  char buffer[65536];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, size_t(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) throw std::runtime_error("simulation child died with signal " + std::to_string(WTERMSIG(status)));
  auto result = nlohmann::json::parse(text);
  if (result.is_object() && result.contains("child_exception"))
    throw std::runtime_error("in the simulation child: " + result["child_exception"].get<std::string>());
  return result;
}

}  // namespace cs::testing
