// Packing a DNA sequence of up to 32 bases into 64 bits, two bits per base (A=0, C=1, G=2,
// T=3; lower case accepted), first base in the highest bits. Internal to the barcodes module.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace smartnano::barcodes {

inline constexpr std::uint64_t kNotPacked = ~std::uint64_t{0};

// 0..3 for ACGT / acgt, 4 for anything else.
inline constexpr std::array<std::uint8_t, 256> kBaseCode = [] {
  std::array<std::uint8_t, 256> code{};
  code.fill(4);
  code['A'] = code['a'] = 0;
  code['C'] = code['c'] = 1;
  code['G'] = code['g'] = 2;
  code['T'] = code['t'] = 3;
  return code;
}();

// The packed sequence, or kNotPacked when a base is not ACGT; then *unknown_position is the
// position of the only such base, or -1 when there are several.
inline std::uint64_t pack_bases(std::string_view bases, int* unknown_position = nullptr) {
  // Without a branch per base: any code above 3 sets bit 2 of `seen`.
  std::uint64_t key = 0;
  unsigned seen = 0;
  for (std::size_t i = 0; i < bases.size(); ++i) {
    const std::uint8_t code = kBaseCode[static_cast<unsigned char>(bases[i])];
    seen |= code;
    key = (key << 2) | (code & 3u);
  }
  if ((seen & 4u) == 0) return key;
  int unknown = -1;
  int unknowns = 0;
  for (std::size_t i = 0; i < bases.size(); ++i) {
    if (kBaseCode[static_cast<unsigned char>(bases[i])] > 3) {
      ++unknowns;
      unknown = static_cast<int>(i);
    }
  }
  if (unknown_position) *unknown_position = unknowns == 1 ? unknown : -1;
  return kNotPacked;
}

// The packed sequence with position `skip` taken as A (for trying the four bases there).
inline std::uint64_t pack_bases_skipping(std::string_view bases, int skip) {
  std::uint64_t key = 0;
  for (std::size_t i = 0; i < bases.size(); ++i) {
    const std::uint8_t code =
        static_cast<int>(i) == skip ? 0 : kBaseCode[static_cast<unsigned char>(bases[i])];
    key = (key << 2) | (code & 3u);
  }
  return key;
}

}  // namespace smartnano::barcodes
