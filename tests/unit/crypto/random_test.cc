#include "crypto/random.h"

#include <array>
#include <cstdint>

#include <gtest/gtest.h>

namespace imdsd::crypto {
namespace {

TEST(OpenSslRandomTest, FillsTheWholeBufferWithFreshBytes) {
  OpenSslRandom random;
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  random.Fill(a);
  random.Fill(b);
  // 256-bit draws: a collision or an all-zero result means the buffer was not filled.
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<std::uint8_t, 32>{}));
  EXPECT_NE(b, (std::array<std::uint8_t, 32>{}));
}

TEST(OpenSslRandomTest, EmptyBufferIsANoOp) {
  OpenSslRandom random;
  random.Fill(std::span<std::uint8_t>());
}

}  // namespace
}  // namespace imdsd::crypto
