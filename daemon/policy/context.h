#pragma once
// ConditionContext: the condition keys of one request ("sts:ExternalId" -> {"abc"}), which a
// policy's Condition element and its policy variables are matched against (policy/condition.h).
//
// Every key holds a list of values. Most keys have one; aws:TagKeys, sts:TransitiveTagKeys and
// a web identity's "amr" may have several. Key names are looked up ignoring ASCII case, as IAM
// compares them ("aws:SourceIp" is "AWS:sourceip"); values keep their case. A key set to an
// empty list is absent, because IAM treats an empty set as no value (Null "true" holds,
// ForAllValues holds, everything else fails).
//
// The STS endpoint fills one context per request from what it authenticated and what the
// request carries (sts.md §7.4). Only values a learner may read belong here: explanations quote
// them. ExternalId is not a secret; MFA codes, secret keys and session tokens never go in.
// A plain value: copyable; const methods are thread-safe, changes need external locking.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace imdsd::policy {

// The keys STS's trust and identity evaluation uses. Any other key name works the same way.
namespace keys {
inline constexpr std::string_view kExternalId = "sts:ExternalId";
inline constexpr std::string_view kRoleSessionName = "sts:RoleSessionName";
inline constexpr std::string_view kStsSourceIdentity = "sts:SourceIdentity";
inline constexpr std::string_view kTransitiveTagKeys = "sts:TransitiveTagKeys";
inline constexpr std::string_view kAwsSourceIdentity = "aws:SourceIdentity";
inline constexpr std::string_view kMultiFactorAuthPresent = "aws:MultiFactorAuthPresent";
inline constexpr std::string_view kMultiFactorAuthAge = "aws:MultiFactorAuthAge";
inline constexpr std::string_view kPrincipalArn = "aws:PrincipalArn";
inline constexpr std::string_view kPrincipalAccount = "aws:PrincipalAccount";
inline constexpr std::string_view kPrincipalType = "aws:PrincipalType";
inline constexpr std::string_view kUserId = "aws:userid";
inline constexpr std::string_view kUserName = "aws:username";
inline constexpr std::string_view kCurrentTime = "aws:CurrentTime";
inline constexpr std::string_view kEpochTime = "aws:EpochTime";
inline constexpr std::string_view kTokenIssueTime = "aws:TokenIssueTime";
inline constexpr std::string_view kSourceIp = "aws:SourceIp";
inline constexpr std::string_view kSecureTransport = "aws:SecureTransport";
inline constexpr std::string_view kTagKeys = "aws:TagKeys";
inline constexpr std::string_view kPrincipalTagPrefix = "aws:PrincipalTag/";
inline constexpr std::string_view kRequestTagPrefix = "aws:RequestTag/";
}  // namespace keys

using Tags = std::vector<std::pair<std::string, std::string>>;  // key, value; in request order

class ConditionContext {
 public:
  // Replaces the key's values; an empty list removes the key.
  void Set(std::string_view key, std::vector<std::string> values);
  void Set(std::string_view key, std::string value);
  // Appends one value (creating the key).
  void Add(std::string_view key, std::string value);
  void Remove(std::string_view key);

  // The key's values (never empty), or nullptr when the request has no such key. Valid until
  // the next change to this context.
  const std::vector<std::string>* Find(std::string_view key) const;
  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  // The value of a key with exactly one value; nullopt when absent or multi-valued (IAM cannot
  // use a multi-valued key as a policy variable).
  std::optional<std::string_view> Single(std::string_view key) const;
  std::size_t size() const { return values_.size(); }

  // aws:PrincipalTag/<key> for each tag of the calling principal.
  void SetPrincipalTags(const Tags& tags);
  // aws:RequestTag/<key> for each session tag the request passes, and aws:TagKeys listing the
  // keys. Nothing for an empty list.
  void SetRequestTags(const Tags& tags);
  // aws:CurrentTime ("2026-01-01T00:00:00Z") and aws:EpochTime (seconds). `now` comes from the
  // caller's injected Clock.
  void SetRequestTime(WallTime now);
  // aws:MultiFactorAuthPresent "true" and aws:MultiFactorAuthAge (whole seconds since the MFA
  // check, never negative).
  void SetMultiFactorAuth(WallTime authenticated_at, WallTime now);

 private:
  struct KeyLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  std::map<std::string, std::vector<std::string>, KeyLess> values_;
};

// The condition key of a web identity claim: "token.actions.githubusercontent.com:sub" for
// issuer "https://token.actions.githubusercontent.com" and claim "sub". IAM names these keys
// after the issuer without its scheme (and without a trailing '/').
std::string WebIdentityKey(std::string_view issuer, std::string_view claim);

}  // namespace imdsd::policy
