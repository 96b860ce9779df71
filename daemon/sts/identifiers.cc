#include "sts/identifiers.h"

#include <array>
#include <cstdio>

namespace imdsd::sts {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kAccessKeyBodyBytes = 10;
constexpr std::uint64_t kAccountBitsMask = (std::uint64_t{1} << 40) - 1;
constexpr std::uint64_t kAccountMarkerBit = std::uint64_t{1} << 47;

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

Status ValidateNameChars(std::string_view what, std::string_view name, std::size_t min_length) {
  if (name.size() < min_length || name.size() > 64) {
    return InvalidArgument(std::string(what) + " must be " + std::to_string(min_length) +
                           " to 64 characters long, got " + std::to_string(name.size()));
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      return InvalidArgument(std::string(what) + " '" + std::string(name) +
                             "' may only contain letters, digits and _+=,.@-");
    }
  }
  return Status::Ok();
}

std::string_view PathOrRoot(std::string_view path) { return path.empty() ? "/" : path; }

std::string IamArn(std::string_view service, std::string_view partition, AccountId account,
                   std::string_view resource) {
  std::string arn = "arn:";
  arn.append(partition).append(":").append(service).append("::").append(account.ToString());
  arn.append(":").append(resource);
  return arn;
}

}  // namespace

Result<AccountId> AccountId::Parse(std::string_view digits) {
  if (digits.size() != 12) {
    return InvalidArgument("account ID must be exactly 12 digits, got '" + std::string(digits) +
                           "'");
  }
  std::uint64_t number = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return InvalidArgument("account ID must be exactly 12 digits, got '" + std::string(digits) +
                             "'");
    }
    number = number * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return AccountId(number);
}

Result<AccountId> AccountId::FromNumber(std::uint64_t number) {
  if (number > kMax) {
    return InvalidArgument("account number " + std::to_string(number) + " has more than 12 digits");
  }
  return AccountId(number);
}

std::string AccountId::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%012llu", static_cast<unsigned long long>(number_));
  return buf;
}

std::string Base32Encode(std::span<const std::uint8_t> data) {
  std::string out;
  out.reserve((data.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32Alphabet[(buffer >> bits) & 0x1F]);
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1F]);
  return out;
}

std::optional<crypto::Bytes> Base32Decode(std::string_view text) {
  // A final character that carries 5 or more unused bits could have been left out, so no
  // encoder emits it: reject, as for non-zero unused bits, to keep spellings unique.
  const std::size_t leftover_bits = (text.size() * 5) % 8;
  if (leftover_bits >= 5) return std::nullopt;
  crypto::Bytes out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int value = Base32Value(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string MakeAccessKeyId(std::string_view prefix, AccountId account, RandomSource& random) {
  std::array<std::uint8_t, 5> noise{};
  random.Fill(noise);
  const std::uint64_t v =
      kAccountMarkerBit | ((account.number() & kAccountBitsMask) << 7) | (noise[0] & 0x7F);
  std::array<std::uint8_t, kAccessKeyBodyBytes> body{};
  for (int i = 0; i < 6; ++i) body[i] = static_cast<std::uint8_t>(v >> (8 * (5 - i)));
  std::copy(noise.begin() + 1, noise.end(), body.begin() + 6);
  std::string id(prefix);
  id += Base32Encode(body);
  return id;
}

Result<AccountId> AccountFromAccessKeyId(std::string_view access_key_id) {
  if (access_key_id.size() != kAccessKeyIdLength) {
    return InvalidArgument("access key ID must be 20 characters long");
  }
  const std::optional<crypto::Bytes> body = Base32Decode(access_key_id.substr(4));
  if (!body.has_value() || body->size() != kAccessKeyBodyBytes) {
    return InvalidArgument("access key ID is not a prefix followed by 16 base32 characters");
  }
  std::uint64_t z = 0;
  for (int i = 0; i < 6; ++i) z = (z << 8) | (*body)[i];
  if ((z & kAccountMarkerBit) == 0) {
    return InvalidArgument("access key ID uses the pre-2019 format, which encodes no account");
  }
  // 40 bits can hold up to 1099511627775, more than 12 digits; only a key we did not make would
  // have that.
  return AccountId::FromNumber((z >> 7) & kAccountBitsMask);
}

std::string MakeUniqueId(std::string_view prefix, AccountId account, std::string_view name) {
  std::string input(prefix);
  input.append("|").append(account.ToString()).append("|").append(name);
  const crypto::Sha256Digest digest = crypto::Sha256(input);
  // 11 bytes give 18 base32 characters; AWS's IDs have 17 after the prefix.
  std::string id(prefix);
  id += Base32Encode(std::span<const std::uint8_t>(digest.data(), 11)).substr(0, 17);
  return id;
}

std::string MakeSecretAccessKey(RandomSource& random) {
  // Accept only bytes below the largest multiple of the alphabet size, so every character is
  // equally likely. With 64 characters nothing is ever rejected, but the rule stays right if the
  // alphabet changes.
  constexpr std::size_t kLimit = 256 - 256 % kSecretAlphabet.size();
  std::string secret;
  secret.reserve(kSecretAccessKeyLength);
  std::array<std::uint8_t, kSecretAccessKeyLength> batch{};
  while (secret.size() < kSecretAccessKeyLength) {
    random.Fill(batch);
    for (std::uint8_t b : batch) {
      if (b >= kLimit || secret.size() == kSecretAccessKeyLength) continue;
      secret.push_back(kSecretAlphabet[b % kSecretAlphabet.size()]);
    }
  }
  batch.fill(0);
  return secret;
}

Status ValidateIamPath(std::string_view path) {
  if (path.empty()) return Status::Ok();
  if (path.size() > 512 || path.front() != '/' || path.back() != '/') {
    return InvalidArgument("IAM path '" + std::string(path) +
                           "' must start and end with '/' and be at most 512 characters");
  }
  for (char c : path) {
    if (c < '!' || c > '~') {
      return InvalidArgument("IAM path '" + std::string(path) +
                             "' may only contain printable ASCII characters without spaces");
    }
  }
  return Status::Ok();
}

Status ValidateIamName(std::string_view name) { return ValidateNameChars("IAM name", name, 1); }

Status ValidateRoleSessionName(std::string_view name) {
  return ValidateNameChars("role session name", name, 2);
}

Status ValidatePartition(std::string_view partition) {
  if (partition.empty() || partition.size() > 32) {
    return InvalidArgument("partition must be 1 to 32 characters long");
  }
  for (char c : partition) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return InvalidArgument("partition '" + std::string(partition) +
                             "' may only contain a-z, 0-9 and '-'");
    }
  }
  return Status::Ok();
}

std::string MakeRoleArn(std::string_view partition, AccountId account, std::string_view path,
                        std::string_view name) {
  std::string resource = "role";
  resource.append(PathOrRoot(path)).append(name);
  return IamArn("iam", partition, account, resource);
}

std::string MakeInstanceProfileArn(std::string_view partition, AccountId account,
                                   std::string_view path, std::string_view name) {
  std::string resource = "instance-profile";
  resource.append(PathOrRoot(path)).append(name);
  return IamArn("iam", partition, account, resource);
}

std::string MakeAssumedRoleArn(std::string_view partition, AccountId account,
                               std::string_view role_name, std::string_view session_name) {
  std::string resource = "assumed-role/";
  resource.append(role_name).append("/").append(session_name);
  return IamArn("sts", partition, account, resource);
}

std::string MakeAssumedRoleId(std::string_view role_id, std::string_view session_name) {
  std::string id(role_id);
  id.append(":").append(session_name);
  return id;
}

}  // namespace imdsd::sts
