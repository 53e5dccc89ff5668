#pragma once
// A map kept as one sorted vector of (key, value) pairs. A run holds a
// handful of params, tags and metrics, and a listing holds thousands of
// runs: a node per entry (std::map) is most of what loading them costs,
// where one vector per run is one allocation and a search in cache.
// Entries read from SQL arrive in key order, so emplace appends.
// Iterators and references are invalidated by any insertion or erasure.
#include <algorithm>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

template <class K, class V>
class FlatMap {
public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  FlatMap() = default;
  FlatMap(std::initializer_list<value_type> items) {
    for (const auto& [k, v] : items) insert_or_assign(k, v);
  }
  template <class C>
  FlatMap(const std::map<K, V, C>& m) : items_(m.begin(), m.end()) {}

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }
  void reserve(std::size_t n) { items_.reserve(n); }

  template <class Key>
  iterator find(const Key& key) {
    auto it = lower(key);
    return it != items_.end() && !(key < it->first) ? it : items_.end();
  }
  template <class Key>
  const_iterator find(const Key& key) const {
    return const_cast<FlatMap*>(this)->find(key);
  }
  template <class Key>
  bool contains(const Key& key) const { return find(key) != end(); }
  template <class Key>
  std::size_t count(const Key& key) const { return contains(key) ? 1 : 0; }

  // An existing key keeps its value, as std::map::emplace does.
  template <class Key, class Value>
  std::pair<iterator, bool> emplace(Key&& key, Value&& value) {
    if (items_.empty() || items_.back().first < key) {
      items_.emplace_back(K(std::forward<Key>(key)), V(std::forward<Value>(value)));
      return {items_.end() - 1, true};
    }
    auto it = lower(key);
    if (it != items_.end() && !(key < it->first)) return {it, false};
    return {items_.emplace(it, K(std::forward<Key>(key)), V(std::forward<Value>(value))), true};
  }
  template <class Key, class Value>
  std::pair<iterator, bool> insert_or_assign(Key&& key, Value&& value) {
    auto [it, added] = emplace(std::forward<Key>(key), V());
    it->second = std::forward<Value>(value);
    return {it, added};
  }
  V& operator[](const K& key) { return emplace(key, V()).first->second; }
  template <class Key>
  const V& at(const Key& key) const {
    auto it = find(key);
    if (it == end()) throw std::out_of_range("FlatMap::at");
    return it->second;
  }
  template <class Key>
  std::size_t erase(const Key& key) {
    auto it = find(key);
    if (it == end()) return 0;
    items_.erase(it);
    return 1;
  }
  iterator erase(const_iterator it) { return items_.erase(it); }

  std::map<K, V, std::less<>> to_map() const { return {items_.begin(), items_.end()}; }
  friend bool operator==(const FlatMap& a, const FlatMap& b) { return a.items_ == b.items_; }

private:
  template <class Key>
  iterator lower(const Key& key) {
    return std::lower_bound(items_.begin(), items_.end(), key,
                            [](const value_type& item, const Key& k) { return item.first < k; });
  }
  std::vector<value_type> items_;
};

// As a JSON object, as a std::map is written (nlohmann finds this by ADL;
// without it a FlatMap would be written as an array of pairs).
template <class Json, class K, class V>
void to_json(Json& j, const FlatMap<K, V>& m) {
  j = Json::object();
  for (const auto& [k, v] : m) j[k] = v;
}

}  // namespace mlops
