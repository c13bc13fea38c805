#include "trace.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

namespace cs {
namespace {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", int(c));
        else out += c;
    }
  }
  out += '"';
}

// Shortest text that reads back as the same double, so equal runs give equal bytes.
// JSON has no infinities or NaN: such a value becomes null.
void append_number(std::string& out, double v) {
  if (std::isfinite(v)) fmt::format_to(std::back_inserter(out), "{}", v);
  else out += "null";
}

// Simulated time in whole picoseconds: exact integers make nesting and sorting exact, and the
// text short. 2^63 ps is about 106 days, far beyond any run.
std::int64_t picoseconds(double seconds) {
  const double ps = std::round(seconds * 1e12);
  return ps >= 9.2e18 ? std::int64_t(9.2e18) : ps <= 0 ? 0 : std::int64_t(ps);
}

// Picoseconds as microseconds, the format's unit, in exact decimal without trailing zeros.
void append_microseconds(std::string& out, std::int64_t ps) {
  fmt::format_to(std::back_inserter(out), "{}", ps / 1'000'000);
  std::int64_t fraction = ps % 1'000'000;
  if (!fraction) return;
  int digits = 6;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  fmt::format_to(std::back_inserter(out), ".{:0{}}", fraction, digits);
}

}  // namespace

std::uint32_t TraceRecorder::intern(std::string_view s) {
  if (auto it = string_ids_.find(s); it != string_ids_.end()) return it->second;
  const auto id = std::uint32_t(strings_.size());
  strings_.emplace_back(s);
  string_ids_.emplace(strings_.back(), id);
  return id;
}

std::uint32_t TraceRecorder::pid_of(std::uint32_t host) {
  auto [it, fresh] = pids_.try_emplace(host, std::uint32_t(process_label_.size() + 1));
  if (fresh) process_label_.push_back(host);
  return it->second;
}

void TraceRecorder::add_process(std::string_view host, std::string_view label) {
  process_label_[pid_of(intern(host)) - 1] = intern(label);
}

TraceRecorder::TrackId TraceRecorder::track(std::string_view host, std::string_view actor) {
  const std::uint32_t h = intern(host), a = intern(actor);
  auto [it, fresh] = track_ids_.try_emplace(std::uint64_t(h) << 32 | a, TrackId(tracks_.size()));
  if (fresh) {
    tracks_.push_back({h, a});
    pid_of(h);
  }
  return it->second;
}

void TraceRecorder::span(TrackId track, std::string_view category, std::string_view name, double start_s,
                         double end_s, std::initializer_list<TraceArg> args) {
  if (full()) {
    if (dropped_++ == 0) first_dropped_end_s_ = end_s;
    return;
  }
  Event e{start_s, std::max(start_s, end_s), track, intern(category), intern(name), std::uint32_t(args_.size()),
          std::uint32_t(args.size())};
  for (const TraceArg& a : args) args_.push_back({intern(a.key), a.is_text ? intern(a.text) : no_text, a.number});
  events_.push_back(e);
}

void TraceRecorder::note(std::string_view key, std::string_view text) {
  const std::uint32_t k = intern(key), t = intern(text);
  for (auto& n : notes_)
    if (n.key == k) {
      n = {k, t, 0};
      return;
    }
  notes_.push_back({k, t, 0});
}

void TraceRecorder::note(std::string_view key, double number) {
  const std::uint32_t k = intern(key);
  for (auto& n : notes_)
    if (n.key == k) {
      n = {k, no_text, number};
      return;
    }
  notes_.push_back({k, no_text, number});
}

std::string TraceRecorder::to_json() const {
  const std::size_t n = events_.size();

  // Lanes: within one track, events in start order (the longer first at equal starts) go to the
  // first lane where they nest inside the open event or follow it.
  std::vector<std::int64_t> start(n), end(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    start[i] = picoseconds(events_[i].start_s);
    end[i] = picoseconds(events_[i].end_s);
  }
  std::vector<std::vector<std::uint32_t>> by_track(tracks_.size());
  for (std::uint32_t i = 0; i < n; ++i) by_track[events_[i].track].push_back(i);
  std::vector<std::uint32_t> lane(n, 0), lanes(tracks_.size(), 0);
  for (size_t t = 0; t < tracks_.size(); ++t) {
    auto& ids = by_track[t];
    std::sort(ids.begin(), ids.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (start[a] != start[b]) return start[a] < start[b];
      if (end[a] != end[b]) return end[a] > end[b];
      return a < b;
    });
    std::vector<std::vector<std::int64_t>> open;  // per lane, the ends of its enclosing events
    for (std::uint32_t i : ids) {
      size_t l = 0;
      for (; l < open.size(); ++l) {
        auto& stack = open[l];
        while (!stack.empty() && stack.back() <= start[i]) stack.pop_back();
        if (stack.empty() || stack.back() >= end[i]) break;
      }
      if (l == open.size()) open.emplace_back();
      open[l].push_back(end[i]);
      lane[i] = std::uint32_t(l);
    }
    lanes[t] = std::uint32_t(std::max<size_t>(open.size(), ids.empty() ? 0 : 1));
  }

  std::vector<std::vector<std::uint32_t>>().swap(by_track);

  // Thread ids: per process, its tracks in order of first use, each track's lanes in a row.
  std::vector<std::uint32_t> track_pid(tracks_.size()), first_tid(tracks_.size());
  std::vector<std::uint32_t> next_tid(process_label_.size() + 1, 1);
  std::vector<bool> pid_used(process_label_.size() + 1, false);
  for (size_t t = 0; t < tracks_.size(); ++t) {
    track_pid[t] = pids_.at(tracks_[t].host);
    first_tid[t] = next_tid[track_pid[t]];
    next_tid[track_pid[t]] += lanes[t];
    if (lanes[t]) pid_used[track_pid[t]] = true;
  }

  // Names compare by their text, not by interning order.
  std::vector<std::uint32_t> rank(strings_.size());
  {
    std::vector<std::uint32_t> order(strings_.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return strings_[a] < strings_[b]; });
    for (std::uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  }
  struct Placed {
    std::int64_t ts, dur;  // picoseconds
    std::uint32_t pid, tid, event;
  };
  std::vector<Placed> placed(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const Event& e = events_[i];
    placed[i] = {start[i], end[i] - start[i], track_pid[e.track], first_tid[e.track] + lane[i], i};
  }
  std::vector<std::int64_t>().swap(start);
  std::vector<std::int64_t>().swap(end);
  std::sort(placed.begin(), placed.end(), [&](const Placed& a, const Placed& b) {
    if (a.ts != b.ts) return a.ts < b.ts;
    if (a.pid != b.pid) return a.pid < b.pid;
    if (a.tid != b.tid) return a.tid < b.tid;
    if (a.dur != b.dur) return a.dur > b.dur;
    const std::uint32_t na = rank[events_[a.event].name], nb = rank[events_[b.event].name];
    if (na != nb) return na < nb;
    return a.event < b.event;
  });

  std::string out;
  out.reserve(256 + n * 130);
  out += "{\"traceEvents\":[\n";
  bool first = true;
  auto begin_event = [&] {
    if (!first) out += ",\n";
    first = false;
  };
  auto metadata = [&](std::string_view name, std::uint32_t pid, std::uint32_t tid, std::string_view key,
                      const std::string* text, std::uint32_t number) {
    begin_event();
    out += "{\"name\":";
    append_json_string(out, name);
    out += fmt::format(",\"ph\":\"M\",\"pid\":{},\"tid\":{},\"args\":{{", pid, tid);
    append_json_string(out, key);
    out += ':';
    if (text) append_json_string(out, *text);
    else out += std::to_string(number);
    out += "}}";
  };
  for (std::uint32_t pid = 1; pid < pid_used.size(); ++pid) {
    if (!pid_used[pid]) continue;
    metadata("process_name", pid, 0, "name", &strings_[process_label_[pid - 1]], 0);
    metadata("process_sort_index", pid, 0, "sort_index", nullptr, pid);
    for (size_t t = 0; t < tracks_.size(); ++t) {
      if (track_pid[t] != pid) continue;
      for (std::uint32_t l = 0; l < lanes[t]; ++l) {
        const std::string& actor = strings_[tracks_[t].actor];
        const std::string name = l == 0 ? actor : fmt::format("{} #{}", actor, l + 1);
        metadata("thread_name", pid, first_tid[t] + l, "name", &name, 0);
        metadata("thread_sort_index", pid, first_tid[t] + l, "sort_index", nullptr, first_tid[t] + l);
      }
    }
  }
  for (const Placed& p : placed) {
    const Event& e = events_[p.event];
    begin_event();
    out += "{\"name\":";
    append_json_string(out, strings_[e.name]);
    out += ",\"cat\":";
    append_json_string(out, strings_[e.category]);
    out += ",\"ph\":\"X\",\"ts\":";
    append_microseconds(out, p.ts);
    out += ",\"dur\":";
    append_microseconds(out, p.dur);
    fmt::format_to(std::back_inserter(out), ",\"pid\":{},\"tid\":{}", p.pid, p.tid);
    if (e.arg_count) {
      out += ",\"args\":{";
      for (std::uint32_t a = 0; a < e.arg_count; ++a) {
        const Arg& arg = args_[e.first_arg + a];
        if (a) out += ',';
        append_json_string(out, strings_[arg.key]);
        out += ':';
        if (arg.text == no_text) append_number(out, arg.number);
        else append_json_string(out, strings_[arg.text]);
      }
      out += '}';
    }
    out += '}';
  }
  out += "\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{";
  out += "\"time\":\"simulated; ts and dur in microseconds, to the picosecond\"";
  fmt::format_to(std::back_inserter(out), ",\"events\":{},\"max_events\":{},\"truncated\":{}", n, max_events_,
                 dropped_ ? "true" : "false");
  if (dropped_) {
    fmt::format_to(std::back_inserter(out), ",\"dropped_events\":{}", dropped_);
    out += ",\"truncated_at_s\":";
    append_number(out, first_dropped_end_s_);
    out += ",\"truncated_note\":";
    append_json_string(out, fmt::format("recording stopped after {} events; spans ending after about {} s of "
                                        "simulated time are missing",
                                        max_events_, first_dropped_end_s_));
  }
  for (const Note& note : notes_) {
    out += ',';
    append_json_string(out, strings_[note.key]);
    out += ':';
    if (note.text == no_text) append_number(out, note.number);
    else append_json_string(out, strings_[note.text]);
  }
  out += "}}\n";
  return out;
}

}  // namespace cs
