#include "sts/session_token.h"

#include <utility>

#include "crypto/digest.h"
#include "crypto/key_file.h"

namespace imdsd::sts {
namespace {

// Bumped whenever the layout below changes; tokens of other versions are refused.
constexpr std::uint8_t kFormatVersion = 1;

enum Flag : std::uint8_t {
  kMfaAuthenticated = 1 << 0,
  kHasSessionPolicy = 1 << 1,
  kHasSourceIdentity = 1 << 2,
  kHasChainedFrom = 1 << 3,
  kHasMfaAuthTime = 1 << 4,
};
constexpr std::uint8_t kKnownFlags =
    kMfaAuthenticated | kHasSessionPolicy | kHasSourceIdentity | kHasChainedFrom | kHasMfaAuthTime;

// Layout: version | kind | flags | varint account | zigzag issued_at | zigzag expires_at |
// str access_key_id | str secret | str role_arn | str role_id | str session_name |
// [str policy] | [str source_identity] | [str chained_from] | [zigzag mfa_auth_time] |
// varint tag count, (str key, str value)* | varint key count, str key*.
// Strings are a varint length followed by their bytes.
class Writer {
 public:
  void Byte(std::uint8_t b) { out_.push_back(b); }
  void Varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void Time(std::chrono::sys_seconds t) {
    const std::int64_t s = t.time_since_epoch().count();
    Varint((static_cast<std::uint64_t>(s) << 1) ^ static_cast<std::uint64_t>(s >> 63));
  }
  void Str(std::string_view s) {
    Varint(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }
  crypto::Bytes& bytes() { return out_; }

 private:
  crypto::Bytes out_;
};

// Every read checks bounds; a failed read leaves the reader failed for good.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}

  bool Byte(std::uint8_t& b) {
    if (in_.empty()) return false;
    b = in_.front();
    in_ = in_.subspan(1);
    return true;
  }
  bool Varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      std::uint8_t b = 0;
      if (!Byte(b)) return false;
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool Time(std::chrono::sys_seconds& t) {
    std::uint64_t z = 0;
    if (!Varint(z)) return false;
    const auto s = static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
    t = std::chrono::sys_seconds(std::chrono::seconds(s));
    return true;
  }
  bool Str(std::string& s) {
    std::uint64_t n = 0;
    if (!Varint(n) || n > in_.size()) return false;
    s.assign(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(n));
    in_ = in_.subspan(n);
    return true;
  }
  bool OptionalStr(bool present, std::optional<std::string>& s) {
    if (!present) return true;
    return Str(s.emplace());
  }
  bool AtEnd() const { return in_.empty(); }

 private:
  std::span<const std::uint8_t> in_;
};

crypto::Bytes Encode(const SessionClaims& c) {
  std::uint8_t flags = 0;
  if (c.mfa_authenticated) flags |= kMfaAuthenticated;
  if (c.session_policy) flags |= kHasSessionPolicy;
  if (c.source_identity) flags |= kHasSourceIdentity;
  if (c.chained_from) flags |= kHasChainedFrom;
  if (c.mfa_auth_time) flags |= kHasMfaAuthTime;

  Writer w;
  w.Byte(kFormatVersion);
  w.Byte(static_cast<std::uint8_t>(c.kind));
  w.Byte(flags);
  w.Varint(c.account_id.number());
  w.Time(c.issued_at);
  w.Time(c.expires_at);
  w.Str(c.access_key_id);
  w.Str(c.secret_access_key);
  w.Str(c.role_arn);
  w.Str(c.role_id);
  w.Str(c.role_session_name);
  if (c.session_policy) w.Str(*c.session_policy);
  if (c.source_identity) w.Str(*c.source_identity);
  if (c.chained_from) w.Str(*c.chained_from);
  if (c.mfa_auth_time) w.Time(*c.mfa_auth_time);
  w.Varint(c.tags.size());
  for (const SessionTag& tag : c.tags) {
    w.Str(tag.key);
    w.Str(tag.value);
  }
  w.Varint(c.transitive_tag_keys.size());
  for (const std::string& key : c.transitive_tag_keys) w.Str(key);
  return std::move(w.bytes());
}

bool KnownKind(std::uint8_t kind) {
  return kind >= static_cast<std::uint8_t>(SessionKind::kInstanceProfile) &&
         kind <= static_cast<std::uint8_t>(SessionKind::kFederatedUser);
}

std::optional<SessionClaims> Decode(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  SessionClaims c;
  std::uint8_t version = 0;
  std::uint8_t kind = 0;
  std::uint8_t flags = 0;
  std::uint64_t account = 0;
  if (!r.Byte(version) || version != kFormatVersion || !r.Byte(kind) || !KnownKind(kind) ||
      !r.Byte(flags) || (flags & ~kKnownFlags) != 0 || !r.Varint(account)) {
    return std::nullopt;
  }
  Result<AccountId> account_id = AccountId::FromNumber(account);
  if (!account_id.ok()) return std::nullopt;
  c.kind = static_cast<SessionKind>(kind);
  c.account_id = *account_id;
  c.mfa_authenticated = (flags & kMfaAuthenticated) != 0;
  if (!r.Time(c.issued_at) || !r.Time(c.expires_at) || !r.Str(c.access_key_id) ||
      !r.Str(c.secret_access_key) || !r.Str(c.role_arn) || !r.Str(c.role_id) ||
      !r.Str(c.role_session_name) ||
      !r.OptionalStr((flags & kHasSessionPolicy) != 0, c.session_policy) ||
      !r.OptionalStr((flags & kHasSourceIdentity) != 0, c.source_identity) ||
      !r.OptionalStr((flags & kHasChainedFrom) != 0, c.chained_from)) {
    return std::nullopt;
  }
  if ((flags & kHasMfaAuthTime) != 0 && !r.Time(c.mfa_auth_time.emplace())) return std::nullopt;
  std::uint64_t count = 0;
  // Each entry takes at least one byte, so a count larger than what is left is a lie; checking
  // it first keeps a hostile count from reserving memory.
  if (!r.Varint(count) || count > bytes.size()) return std::nullopt;
  c.tags.resize(count);
  for (SessionTag& tag : c.tags) {
    if (!r.Str(tag.key) || !r.Str(tag.value)) return std::nullopt;
  }
  if (!r.Varint(count) || count > bytes.size()) return std::nullopt;
  c.transitive_tag_keys.resize(count);
  for (std::string& key : c.transitive_tag_keys) {
    if (!r.Str(key)) return std::nullopt;
  }
  if (!r.AtEnd()) return std::nullopt;
  return c;
}

// Overwrites a buffer that held a secret; the volatile access keeps the compiler from dropping
// stores to memory that is about to be freed.
void Wipe(crypto::Bytes& bytes) {
  volatile std::uint8_t* p = bytes.data();
  for (std::size_t i = 0; i < bytes.size(); ++i) p[i] = 0;
}

}  // namespace

SessionTokenCodec::SessionTokenCodec(const crypto::AeadKey& key, RandomSource& random)
    : key_(key), random_(random) {}

Result<std::unique_ptr<SessionTokenCodec>> SessionTokenCodec::LoadOrCreate(
    const std::filesystem::path& state_dir, RandomSource& random) {
  IMDSD_RETURN_IF_ERROR(crypto::EnsureStateDir(state_dir));
  IMDSD_ASSIGN_OR_RETURN(
      crypto::Bytes bytes,
      crypto::LoadOrCreateRandomKey(state_dir / kKeyFile, crypto::kAeadKeySize, random));
  Result<crypto::AeadKey> key = crypto::MakeAeadKey(bytes);
  Wipe(bytes);
  if (!key.ok()) return key.status();
  return std::make_unique<SessionTokenCodec>(*key, random);
}

std::string SessionTokenCodec::Mint(const SessionClaims& claims) const {
  crypto::Bytes plaintext = Encode(claims);
  const crypto::Bytes sealed = crypto::Seal(key_, plaintext, kAssociatedData, random_);
  Wipe(plaintext);
  std::string text = crypto::Base64UrlEncode(sealed);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

Result<SessionClaims> SessionTokenCodec::Verify(std::string_view token) const {
  // Padding is never part of our tokens; accepting it would give one token two spellings.
  if (token.empty() || token.size() % 4 == 1 || token.find('=') != std::string_view::npos) {
    return Unauthenticated("session token is malformed");
  }
  std::string padded(token);
  padded.append((4 - padded.size() % 4) % 4, '=');
  const std::optional<crypto::Bytes> sealed = crypto::Base64UrlDecode(padded);
  if (!sealed.has_value()) return Unauthenticated("session token is malformed");
  Result<crypto::Bytes> plaintext = crypto::Open(key_, *sealed, kAssociatedData);
  if (!plaintext.ok()) return Unauthenticated("session token is not authentic");
  std::optional<SessionClaims> claims = Decode(*plaintext);
  Wipe(*plaintext);
  // Authentic but undecodable means a token of another format version under the same key.
  if (!claims.has_value()) return Unauthenticated("session token has an unknown format");
  return std::move(*claims);
}

}  // namespace imdsd::sts
