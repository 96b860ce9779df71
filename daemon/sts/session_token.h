#pragma once
// SessionTokenCodec: mints and reads STS session tokens without storing them.
//
// A token carries everything STS needs to authenticate a later request signed with the session's
// credentials, including the secret access key, so the daemon keeps no per-session state and
// sessions survive restarts. That is why the token is encrypted (AES-256-GCM, crypto/aead.h,
// associated data "imdsd-session-v1"), not only authenticated: clients see an opaque string.
//
// Token text: URL-safe base64 without padding of nonce | ciphertext | tag, where the plaintext is
// a compact length-prefixed binary encoding of SessionClaims led by a format version byte. A
// typical instance-profile token is about 300 characters (AWS's are "typically less than 4096
// bytes").
//
// Expiry is not checked here: Verify() authenticates and decodes, and the caller compares
// SessionClaims::ExpiredAt(clock.Now()) so STS can answer ExpiredToken (authentic but expired)
// apart from InvalidClientTokenId (kUnauthenticated). Old tokens therefore stay verifiable until
// their own expiry after a rotation, with nothing to do.
//
// Owns a copy of the key; borrows the RandomSource (for nonces), which must outlive it.
// Thread-safe: the key is immutable and RandomSource is thread-safe by contract.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/status.h"
#include "crypto/aead.h"
#include "sts/identifiers.h"

namespace imdsd::sts {

// How the session came to be; STS needs it for the role-chaining rules (instance-profile
// credentials are not role chaining, sts.md §5.1).
enum class SessionKind : std::uint8_t {
  kInstanceProfile = 1,
  kAssumedRole = 2,
  kSessionToken = 3,   // GetSessionToken
  kFederatedUser = 4,  // GetFederationToken
};

struct SessionTag {
  std::string key;
  std::string value;
  friend bool operator==(const SessionTag&, const SessionTag&) = default;
};

// What a session token asserts. Times are whole seconds since the Unix epoch.
struct SessionClaims {
  SessionKind kind = SessionKind::kInstanceProfile;
  std::string access_key_id;
  std::string secret_access_key;
  AccountId account_id;
  std::string role_arn;           // arn:aws:iam::ACCOUNT:role/PATH/NAME
  std::string role_id;            // AROA…, for AssumedRoleUser / GetCallerIdentity UserId
  std::string role_session_name;  // the instance ID for instance-profile sessions
  std::chrono::sys_seconds issued_at{};
  std::chrono::sys_seconds expires_at{};
  // Room for AssumeRole and friends; empty for instance-profile sessions.
  std::optional<std::string> session_policy;
  std::vector<SessionTag> tags;
  std::vector<std::string> transitive_tag_keys;
  std::optional<std::string> source_identity;
  std::optional<std::string> chained_from;  // ARN of the session this one was assumed from
  bool mfa_authenticated = false;
  std::optional<std::chrono::sys_seconds> mfa_auth_time;

  bool ExpiredAt(WallTime now) const { return now >= expires_at; }

  friend bool operator==(const SessionClaims&, const SessionClaims&) = default;
};

class SessionTokenCodec {
 public:
  // Name of the key file in the state directory (32 random bytes, mode 0600).
  static constexpr char kKeyFile[] = "sts-session.key";
  static constexpr std::string_view kAssociatedData = "imdsd-session-v1";

  SessionTokenCodec(const crypto::AeadKey& key, RandomSource& random);
  SessionTokenCodec(const SessionTokenCodec&) = delete;
  SessionTokenCodec& operator=(const SessionTokenCodec&) = delete;

  // Creates `state_dir` (0700) if needed and loads kKeyFile from it, generating the key from
  // `random` when the file does not exist. kPermissionDenied (world-readable key file),
  // kDataCorrupt (wrong size), kIoError. `random` must outlive the codec.
  static Result<std::unique_ptr<SessionTokenCodec>> LoadOrCreate(
      const std::filesystem::path& state_dir, RandomSource& random);

  // The token text for `claims`: characters A-Z a-z 0-9 - _ only. Never fails.
  std::string Mint(const SessionClaims& claims) const;

  // The claims of a token this codec (same key) minted, expired or not. kUnauthenticated when
  // the token is not URL-safe base64, was altered in any character, was minted under another key,
  // or does not decode; the message never contains the token.
  Result<SessionClaims> Verify(std::string_view token) const;

 private:
  const crypto::AeadKey key_;
  RandomSource& random_;
};

}  // namespace imdsd::sts
