#pragma once
// Hashes, MACs and encodings over OpenSSL. Pure functions, thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace imdsd::crypto {

using Bytes = std::vector<std::uint8_t>;
using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest Sha256(std::span<const std::uint8_t> data);
Sha256Digest Sha256(std::string_view data);
Sha256Digest HmacSha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);
Sha256Digest HmacSha256(std::span<const std::uint8_t> key, std::string_view data);
// Constant-time comparison; false when sizes differ.
bool ConstantTimeEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

std::string HexEncode(std::span<const std::uint8_t> data);  // lower case
// Standard alphabet with '=' padding; `wrap_at` > 0 inserts '\n' every wrap_at characters
// (no trailing newline).
std::string Base64Encode(std::span<const std::uint8_t> data, int wrap_at = 0);
// URL-safe alphabet ('-', '_') with '=' padding, as EC2's IMDS tokens look.
std::string Base64UrlEncode(std::span<const std::uint8_t> data);
// Decoders accept exactly what the encoders produce (no wrapping); nullopt otherwise.
std::optional<Bytes> Base64Decode(std::string_view text);
std::optional<Bytes> Base64UrlDecode(std::string_view text);
// Base64UrlDecode into a caller-sized buffer, without allocating (for the token hot path): true
// when `text` is exactly what Base64UrlEncode() produces for out.size() bytes, and then `out`
// holds them; false otherwise (`out` is then unspecified).
bool Base64UrlDecodeTo(std::string_view text, std::span<std::uint8_t> out);

}  // namespace imdsd::crypto
