#pragma once
// An actor's inbox of messages that arrive at times the sender computed (models/net times
// every packet; SimGrid only wakes the receiver). Messages come out in arrival order; the
// receiver sleeps until the next arrival or its own deadline, whichever is first.
#include <limits>
#include <memory>
#include <algorithm>
#include <simgrid/s4u.hpp>
#include <vector>

namespace cs::ina_sim {

namespace sg4 = simgrid::s4u;

template <class T>
class TimedInbox {
 public:
  static constexpr double never = std::numeric_limits<double>::infinity();

  ~TimedInbox() {
    for (const Entry& e : heap_) delete e.message;
  }

  void post(double at, std::unique_ptr<T> message) {
    heap_.push_back({at, order_++, message.release()});
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    // Wake the receiver only if this arrival comes before what it sleeps for.
    if (sleeping_ && !signalled_ && at < wake_at_) {
      signalled_ = true;
      wake_->release();
    }
  }

  // The next message that has arrived by `deadline`, or null when the deadline comes first.
  std::unique_ptr<T> next(double deadline = never) {
    double horizon = sg4::Engine::get_clock();  // what arrived by then is due
    for (;;) {
      const double due = heap_.empty() ? never : heap_.front().at;
      if (due <= horizon && due <= deadline) {
        std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
        std::unique_ptr<T> m(heap_.back().message);
        heap_.pop_back();
        return m;
      }
      if (deadline <= horizon) return nullptr;
      wake_at_ = std::min(due, deadline);
      sleeping_ = true;
      signalled_ = false;
      bool timed_out = false;
      if (wake_at_ == never) wake_->acquire();
      else timed_out = wake_->acquire_timeout(std::max(0.0, wake_at_ - sg4::Engine::get_clock()));
      sleeping_ = false;
      // A timer may fire a rounding error before wake_at_: what it was set for is due.
      horizon = timed_out ? std::max(sg4::Engine::get_clock(), wake_at_) : sg4::Engine::get_clock();
    }
  }

  bool empty() const { return heap_.empty(); }

  // Messages on their way, in the order they will arrive: a message arrives with its last
  // packet, so one still on its way may hold packets that arrived earlier (taking them out is
  // the receiver's business; the message still arrives at its time).
  template <class F>
  void for_each_on_the_way(F&& f) {
    std::vector<const Entry*> order;
    for (const Entry& e : heap_) order.push_back(&e);
    std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) { return *b > *a; });
    for (const Entry* e : order) f(*e->message);
  }

 private:
  struct Entry {
    double at;
    unsigned long long order;  // ties leave in posting order
    T* message;
    bool operator>(const Entry& o) const { return at != o.at ? at > o.at : order > o.order; }
  };
  std::vector<Entry> heap_;  // a min-heap on (at, order)
  unsigned long long order_ = 0;
  sg4::SemaphorePtr wake_ = sg4::Semaphore::create(0);
  double wake_at_ = never;
  bool sleeping_ = false, signalled_ = false;
};

}  // namespace cs::ina_sim
