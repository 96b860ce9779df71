#pragma once
// AWS identifiers the embedded STS mints and reads: account IDs, access key IDs (which carry the
// account, as real post-2019 keys do), deterministic unique IDs (AROA…/AIPA…/AIDA…), secret
// access keys, ARNs, and the validation rules for the names that go into them.
//
// Formats follow docs sts.md §8. Pure functions and plain values: thread-safe as long as the
// RandomSource passed in is (which it is by contract). Functions that build strings take already
// validated parts (see the Validate* functions) and never fail; only parsers return errors, and
// they return kInvalidArgument.

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/status.h"
#include "crypto/digest.h"

namespace imdsd::sts {

// A 12-digit AWS account ID. The type guarantees the value fits (0..999999999999), so everything
// that takes an AccountId can encode it without failing. Default: 000000000000.
class AccountId {
 public:
  static constexpr std::uint64_t kMax = 999'999'999'999;

  AccountId() = default;
  // Exactly 12 ASCII digits (leading zeros kept). kInvalidArgument otherwise.
  static Result<AccountId> Parse(std::string_view digits);
  // kInvalidArgument when `number` > kMax.
  static Result<AccountId> FromNumber(std::uint64_t number);

  std::uint64_t number() const { return number_; }
  std::string ToString() const;  // 12 digits

  friend auto operator<=>(const AccountId&, const AccountId&) = default;

 private:
  explicit AccountId(std::uint64_t number) : number_(number) {}
  std::uint64_t number_ = 0;
};

inline constexpr std::string_view kTemporaryAccessKeyPrefix = "ASIA";
inline constexpr std::string_view kLongTermAccessKeyPrefix = "AKIA";
inline constexpr std::string_view kRoleIdPrefix = "AROA";
inline constexpr std::string_view kInstanceProfileIdPrefix = "AIPA";
inline constexpr std::string_view kUserIdPrefix = "AIDA";
inline constexpr std::size_t kAccessKeyIdLength = 20;  // prefix + 16
inline constexpr std::size_t kUniqueIdLength = 21;     // prefix + 17
inline constexpr std::size_t kSecretAccessKeyLength = 40;

// RFC 4648 base32 (A-Z, 2-7) without '=' padding.
std::string Base32Encode(std::span<const std::uint8_t> data);
// Inverse of Base32Encode. nullopt for characters outside the alphabet (lower case included),
// for '=' padding, for lengths no encoding produces, and for non-zero unused trailing bits, so
// every byte string has exactly one accepted spelling.
std::optional<crypto::Bytes> Base32Decode(std::string_view text);

// A 20-character access key ID: `prefix` (4 characters, kTemporaryAccessKeyPrefix or
// kLongTermAccessKeyPrefix) + base32 of 10 bytes, where the first 6 bytes are, big-endian,
// (1 << 47) | (account << 7) | 7 random bits and the last 4 are random (sts.md §8.3). About 39
// random bits per account: unique only together with the secret and token, as AWS documents.
std::string MakeAccessKeyId(std::string_view prefix, AccountId account, RandomSource& random);
// The account encoded in an access key ID made as above, what GetAccessKeyInfo returns.
// kInvalidArgument when it is not 4 + 16 base32 characters or has bit 47 clear (a pre-2019 key
// format that carries no account).
Result<AccountId> AccountFromAccessKeyId(std::string_view access_key_id);

// `prefix` + 17 base32 characters of SHA-256("prefix|account|name"): deterministic, so a role or
// instance profile keeps its ID across restarts and reloads as long as the configuration names
// it the same way. 21 characters with a 4-character prefix (kRoleIdPrefix, ...).
std::string MakeUniqueId(std::string_view prefix, AccountId account, std::string_view name);

// 40 characters drawn uniformly (rejection sampling) from A-Za-z0-9+/.
std::string MakeSecretAccessKey(RandomSource& random);

// IAM path: "/" or "/segments/" — starts and ends with '/', 1..512 characters in '!'..'~'
// (IAM's rule). The empty string is accepted and means "/".
Status ValidateIamPath(std::string_view path);
// Role, instance profile or user name: 1..64 characters of [A-Za-z0-9_+=,.@-].
Status ValidateIamName(std::string_view name);
// RoleSessionName: 2..64 characters of [A-Za-z0-9_+=,.@-] (instance IDs qualify).
Status ValidateRoleSessionName(std::string_view name);
// "aws", "aws-cn", "aws-us-gov", ...: 1..32 characters of [a-z0-9-].
Status ValidatePartition(std::string_view partition);

// arn:PARTITION:iam::ACCOUNT:role/PATHNAME (an empty path is "/").
std::string MakeRoleArn(std::string_view partition, AccountId account, std::string_view path,
                        std::string_view name);
// arn:PARTITION:iam::ACCOUNT:instance-profile/PATHNAME (an empty path is "/").
std::string MakeInstanceProfileArn(std::string_view partition, AccountId account,
                                   std::string_view path, std::string_view name);
// arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION (the role path is not part of it).
std::string MakeAssumedRoleArn(std::string_view partition, AccountId account,
                               std::string_view role_name, std::string_view session_name);
// "AROA…:SESSION", the UserId of GetCallerIdentity for a role session.
std::string MakeAssumedRoleId(std::string_view role_id, std::string_view session_name);

}  // namespace imdsd::sts
