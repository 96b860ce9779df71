#include "crypto/totp.h"

#include <array>
#include <string>

#include <openssl/evp.h>

#include "crypto/hmac_key.h"

namespace imdsd::crypto {
namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int kMinDigits = 6;
constexpr int kMaxDigits = 8;
constexpr std::array<std::uint32_t, kMaxDigits + 1> kPowersOfTen = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// The value of a base32 character in either case, or -1.
int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

Status CheckDigits(int digits) {
  if (digits < kMinDigits || digits > kMaxDigits) {
    return InvalidArgument("TOTP digits must be between 6 and 8, not " + std::to_string(digits));
  }
  return Status::Ok();
}

}  // namespace

std::string Base32Encode(std::span<const std::uint8_t> data) {
  std::string out;
  out.reserve((data.size() + 4) / 5 * 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const std::uint8_t byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32Alphabet[(buffer >> bits) & 0x1f]);
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
  while (out.size() % 8 != 0) out.push_back('=');
  return out;
}

Result<Bytes> Base32Decode(std::string_view text) {
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;  // data characters, spaces and padding excluded
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int value = Base32Value(c);
    if (value < 0) {
      return InvalidArgument("base32: invalid character at position " + std::to_string(i));
    }
    if (padding > 0) {
      return InvalidArgument("base32: data after '=' padding at position " + std::to_string(i));
    }
    ++symbols;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  // A last group of 8 characters carries 5 bytes; 2, 4, 5 or 7 characters carry 1 to 4 bytes;
  // 1, 3 or 6 characters are what no byte count encodes to.
  const std::size_t tail = symbols % 8;
  if (tail == 1 || tail == 3 || tail == 6) {
    return InvalidArgument("base32: " + std::to_string(symbols) +
                           " characters is not a whole number of bytes");
  }
  if (padding > 0 && (tail == 0 || padding != 8 - tail)) {
    return InvalidArgument("base32: wrong amount of '=' padding");
  }
  if ((buffer & ((1u << bits) - 1)) != 0) {
    return InvalidArgument("base32: non-zero bits after the last byte (truncated text?)");
  }
  return out;
}

Result<std::string> HotpCode(std::span<const std::uint8_t> seed, std::uint64_t counter,
                             int digits) {
  IMDSD_RETURN_IF_ERROR(CheckDigits(digits));
  if (seed.empty()) return InvalidArgument("TOTP seed is empty");
  std::array<std::uint8_t, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter);
    counter >>= 8;
  }
  std::array<std::uint8_t, 20> mac{};  // SHA-1 size
  std::size_t mac_size = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, seed.data(), seed.size(), message.data(),
                message.size(), mac.data(), mac.size(), &mac_size) == nullptr ||
      mac_size != mac.size()) {
    return Internal("OpenSSL cannot compute HMAC-SHA1");
  }
  // Dynamic truncation (RFC 4226 §5.3): 31 bits from the offset the last nibble names.
  const std::size_t offset = mac[19] & 0x0f;
  const std::uint32_t truncated = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                                  (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                                  (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                                  static_cast<std::uint32_t>(mac[offset + 3]);
  std::string code = std::to_string(truncated % kPowersOfTen[static_cast<std::size_t>(digits)]);
  code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  return code;
}

Result<std::uint64_t> TotpStepAt(WallTime t, std::chrono::seconds step) {
  if (step.count() <= 0) return InvalidArgument("TOTP step must be positive");
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  if (seconds < 0) return InvalidArgument("TOTP time is before the Unix epoch");
  return static_cast<std::uint64_t>(seconds / step.count());
}

Result<std::string> TotpCode(std::span<const std::uint8_t> seed, WallTime t,
                             const TotpParams& params) {
  IMDSD_ASSIGN_OR_RETURN(const std::uint64_t step, TotpStepAt(t, params.step));
  return HotpCode(seed, step, params.digits);
}

Result<TotpMatch> VerifyTotp(std::span<const std::uint8_t> seed, std::string_view code,
                             WallTime now, std::optional<std::uint64_t> last_used_step,
                             const TotpParams& params) {
  IMDSD_RETURN_IF_ERROR(CheckDigits(params.digits));
  if (code.size() != static_cast<std::size_t>(params.digits)) {
    return InvalidArgument("MFA code must be " + std::to_string(params.digits) + " digits");
  }
  for (const char c : code) {
    if (c < '0' || c > '9') return InvalidArgument("MFA code must be digits only");
  }
  IMDSD_ASSIGN_OR_RETURN(const std::uint64_t current, TotpStepAt(now, params.step));

  // The current step first, then one earlier, one later, two earlier...
  std::array<int, 2 * kTotpDriftSteps + 1> drifts{};
  for (int i = 1; i <= kTotpDriftSteps; ++i) {
    const auto slot = static_cast<std::size_t>(i);
    drifts[2 * slot - 1] = -i;
    drifts[2 * slot] = i;
  }
  bool replayed = false;
  for (const int drift : drifts) {
    if (drift < 0 && current < static_cast<std::uint64_t>(-drift)) continue;  // before 1970
    const std::uint64_t step = drift < 0 ? current - static_cast<std::uint64_t>(-drift)
                                         : current + static_cast<std::uint64_t>(drift);
    IMDSD_ASSIGN_OR_RETURN(const std::string expected, HotpCode(seed, step, params.digits));
    if (!ConstantTimeEquals(AsBytes(expected), AsBytes(code))) continue;
    if (last_used_step.has_value() && step <= *last_used_step) {
      replayed = true;
      continue;
    }
    return TotpMatch{.step = step, .drift = drift};
  }
  if (replayed) {
    return FailedPrecondition("MFA code was already used (its time step is not after step " +
                              std::to_string(*last_used_step) + ")");
  }
  constexpr auto kWindow = static_cast<std::uint64_t>(kTotpDriftSteps);
  const std::uint64_t first = current < kWindow ? 0 : current - kWindow;
  return Unauthenticated("MFA code matches none of the time steps " + std::to_string(first) + ".." +
                         std::to_string(current + kWindow));
}

}  // namespace imdsd::crypto
