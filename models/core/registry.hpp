#pragma once
// A registry: the one table of named alternatives of one kind (switch allocation policies,
// serving systems, compression schemes, arrival processes). The scenario parser's allowed
// names, its error messages, the CLI's listings and the docs' checks all read the names from
// here, so adding an alternative never means editing a list somewhere else.
//
// An Entry is any struct with `std::string_view name` and `std::string_view description`
// (plus whatever its kind needs: a factory, traits). Entries are constants with static storage
// (defined in the alternative's own file); the registry holds pointers to them, in the order
// listings show them.
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cs {

template <class Entry>
class Registry {
 public:
  Registry(std::string_view what, std::initializer_list<const Entry*> entries) : what_(what) {
    for (const Entry* e : entries) add(*e);
  }

  // One more alternative. A name taken twice is a programming error, caught at the first use.
  // A copy of a registry can be extended without touching the original (the tests do).
  void add(const Entry& e) {
    if (find(e.name)) throw std::logic_error(std::string(what_) + " '" + std::string(e.name) + "' registered twice");
    entries_.push_back(&e);
    names_.push_back(e.name);
  }

  const Entry* find(std::string_view name) const {
    for (const Entry* e : entries_)
      if (e->name == name) return e;
    return nullptr;
  }
  // Throws std::invalid_argument naming every registered alternative.
  const Entry& at(std::string_view name) const {
    if (const Entry* e = find(name)) return *e;
    throw std::invalid_argument("unknown " + std::string(what_) + " '" + std::string(name) + "' (known: " + listing() + ")");
  }

  std::span<const std::string_view> names() const { return names_; }
  // "a, b, c": the form error messages and usage lines show.
  std::string listing(std::string_view separator = ", ") const {
    std::string s;
    for (std::string_view n : names_) s += (s.empty() ? "" : std::string(separator)) + std::string(n);
    return s;
  }
  std::string_view what() const { return what_; }
  const std::vector<const Entry*>& entries() const { return entries_; }

 private:
  std::string_view what_;  // "switch allocation policy": for messages
  std::vector<const Entry*> entries_;
  std::vector<std::string_view> names_;
};

}  // namespace cs
