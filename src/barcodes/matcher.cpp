// BarcodeMatcher: one open-addressing table from packed sequences (2 bits per base) to
// barcodes, holding the barcodes and, for one allowed mismatch, all their neighbours.
#include <array>
#include <bit>
#include <stdexcept>

#include <fmt/format.h>

#include "barcodes/packing.h"
#include "smartnano/barcodes/barcodes.h"

namespace smartnano::barcodes {

BarcodeMatcher::BarcodeMatcher(const Whitelist& whitelist, int max_mismatches)
    : length_(whitelist.length), barcodes_(whitelist.size()), max_mismatches_(max_mismatches) {
  if (max_mismatches != 0 && max_mismatches != 1) {
    throw std::invalid_argument(fmt::format("mismatches must be 0 or 1, not {}", max_mismatches));
  }
  if (length_ < 1 || length_ > kMaxBarcodeLength) {
    throw std::invalid_argument(
        fmt::format("barcode length {} is outside 1..{}", length_, kMaxBarcodeLength));
  }
  const std::size_t wanted =
      whitelist.size() * (1 + (max_mismatches == 1 ? 3 * static_cast<std::size_t>(length_) : 0));
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, 2 * wanted));
  shift_ = 64 - std::countr_zero(capacity);
  keys_.assign(capacity, 0);
  values_.assign(capacity, kEmptyValue);

  std::vector<std::uint64_t> packed(whitelist.size());
  for (std::size_t b = 0; b < whitelist.size(); ++b) {
    const std::uint64_t key = pack_bases(whitelist.barcodes[b]);
    if (key == kNotPacked) throw std::invalid_argument("a barcode has a base other than ACGT");
    packed[b] = key;
    std::int32_t* value = slot(key);
    if (*value != kEmptyValue) throw std::invalid_argument("duplicate barcode in the whitelist");
    *value = static_cast<std::int32_t>(2 * b);
    ++entries_;
  }
  if (max_mismatches == 0) return;
  for (std::size_t b = 0; b < whitelist.size(); ++b) {
    for (int position = 0; position < length_; ++position) {
      const int bit = 2 * (length_ - 1 - position);
      const std::uint64_t base = (packed[b] >> bit) & 3u;
      for (std::uint64_t other = 0; other < 4; ++other) {
        if (other == base) continue;
        const std::uint64_t key = (packed[b] & ~(std::uint64_t{3} << bit)) | (other << bit);
        std::int32_t* value = slot(key);
        if (*value == kEmptyValue) {
          *value = static_cast<std::int32_t>(2 * b + 1);
          ++entries_;
        } else if (*value >= 0 && (*value & 1) == 1 && (*value >> 1) != static_cast<int>(b)) {
          *value = kAmbiguousValue;
          ++ambiguous_neighbours_;
        }
        // An exact barcode stays itself; an ambiguous neighbour stays ambiguous.
      }
    }
  }
}

std::size_t BarcodeMatcher::home(std::uint64_t key) const {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
}

std::int32_t* BarcodeMatcher::slot(std::uint64_t key) {
  const std::size_t mask = keys_.size() - 1;
  for (std::size_t i = home(key);; i = (i + 1) & mask) {
    if (values_[i] == kEmptyValue) {
      keys_[i] = key;
      return &values_[i];
    }
    if (keys_[i] == key) return &values_[i];
  }
}

std::int32_t BarcodeMatcher::lookup(std::uint64_t key) const {
  const std::size_t mask = keys_.size() - 1;
  for (std::size_t i = home(key);; i = (i + 1) & mask) {
    if (values_[i] == kEmptyValue || keys_[i] == key) return values_[i];
  }
}

Match BarcodeMatcher::match(std::string_view window) const {
  int unknown_position = -1;
  const std::uint64_t key = pack_bases(window, &unknown_position);
  if (key != kNotPacked) {
    const std::int32_t value = lookup(key);
    if (value == kEmptyValue) return {};
    if (value == kAmbiguousValue) return {MatchKind::kAmbiguous, -1};
    return {(value & 1) ? MatchKind::kOneMismatch : MatchKind::kExact, value >> 1};
  }
  // One unknown base (N) is the one mismatch allowed: try each base there, exact matches only.
  if (max_mismatches_ == 0 || unknown_position < 0) return {};
  const int bit = 2 * (length_ - 1 - unknown_position);
  const std::uint64_t rest = pack_bases_skipping(window, unknown_position);
  int found = -1;
  for (std::uint64_t base = 0; base < 4; ++base) {
    const std::int32_t value = lookup(rest | (base << bit));
    if (value < 0 || (value & 1) == 1) continue;
    if (found >= 0) return {MatchKind::kAmbiguous, -1};
    found = value >> 1;
  }
  if (found < 0) return {};
  return {MatchKind::kOneMismatch, found};
}

}  // namespace smartnano::barcodes
