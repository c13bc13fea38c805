#pragma once
// A timeline of a run as Chrome trace-event JSON (opens in Perfetto and chrome://tracing): one
// process per host, one thread per actor, a complete event ("X") per span of simulated time.
// Plain C++ (no SimGrid), so any part of the simulator, or a later one, records through the
// same span() call. Deterministic: the text depends only on the spans recorded and their order.
// Times are written in microseconds (the format's unit) rounded to whole picoseconds, so that
// nesting and order are decided on exact integers.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace cs {

// One "args" entry of a span: a number or a text.
struct TraceArg {
  std::string_view key;
  double number = 0;
  std::string_view text;
  bool is_text = false;

  template <class N, std::enable_if_t<std::is_arithmetic_v<N>, int> = 0>
  TraceArg(std::string_view k, N n) : key(k), number(double(n)) {}
  TraceArg(std::string_view k, std::string_view t) : key(k), text(t), is_text(true) {}
  TraceArg(std::string_view k, const char* t) : TraceArg(k, std::string_view(t)) {}
  TraceArg(std::string_view k, const std::string& t) : TraceArg(k, std::string_view(t)) {}
};

class TraceRecorder {
 public:
  using TrackId = std::uint32_t;  // one (host, actor) pair
  static constexpr std::size_t default_max_events = 2'000'000;

  // After `max_events` spans, further ones are counted but not kept: a long run's trace must
  // not take all memory.
  explicit TraceRecorder(std::size_t max_events = default_max_events) : max_events_(max_events) {}

  // Hosts get process ids in the order they are declared here (those never declared: after,
  // in order of first use). `label` names the process in the viewer.
  void add_process(std::string_view host, std::string_view label);
  TrackId track(std::string_view host, std::string_view actor);

  void span(TrackId track, std::string_view category, std::string_view name, double start_s, double end_s,
            std::initializer_list<TraceArg> args = {});
  void span(std::string_view host, std::string_view actor, std::string_view category, std::string_view name,
            double start_s, double end_s, std::initializer_list<TraceArg> args = {}) {
    span(track(host, actor), category, name, start_s, end_s, args);
  }
  // A key of the file's "otherData" object.
  void note(std::string_view key, std::string_view text);
  void note(std::string_view key, double number);

  bool full() const { return events_.size() >= max_events_; }
  std::size_t events() const { return events_.size(); }
  std::size_t dropped() const { return dropped_; }

  // The whole file. Events are sorted by (ts, pid, tid), then the longer first (a parent before
  // the child starting with it, which viewers otherwise misnest), then name. Spans of one actor
  // that overlap without nesting (pipelined transfers, queued packets) go to extra threads of
  // that actor ("<actor> #2", ...), because a viewer draws one thread's events as a stack.
  std::string to_json() const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static constexpr std::uint32_t no_text = ~0u;
  struct Event {
    double start_s, end_s;
    TrackId track;
    std::uint32_t category, name, first_arg, arg_count;
  };
  struct Arg {
    std::uint32_t key, text;  // text == no_text: a number
    double number;
  };
  struct Track {
    std::uint32_t host, actor;  // string ids
  };
  struct Note {
    std::uint32_t key, text;
    double number;
  };

  std::uint32_t intern(std::string_view s);
  std::uint32_t pid_of(std::uint32_t host);

  std::size_t max_events_;
  std::size_t dropped_ = 0;
  double first_dropped_end_s_ = 0;
  std::vector<std::string> strings_;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> string_ids_;
  std::vector<Event> events_;
  std::vector<Arg> args_;
  std::vector<Track> tracks_;
  std::unordered_map<std::uint64_t, TrackId> track_ids_;  // host << 32 | actor
  std::unordered_map<std::uint32_t, std::uint32_t> pids_;  // host string id -> pid
  std::vector<std::uint32_t> process_label_;               // by pid - 1: string id
  std::vector<Note> notes_;
};

}  // namespace cs
