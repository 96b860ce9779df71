#pragma once
// Shape checks for single configuration values, and small text helpers for error messages.
//
// Kept apart from the YAML walk in loader.cc so each rule can be tested on its own. Pure
// functions, thread-safe. Internal to config/.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imdsd::config {

// `prefix` followed by 8 or 17 lower-case hex digits ("i-0123456789abcdef0", "sg-1a2b3c4d").
bool IsEc2Id(std::string_view text, std::string_view prefix);
// Exactly 12 ASCII digits.
bool IsAccountId(std::string_view text);
// 1..64 characters from [A-Za-z0-9._-].
bool IsInstanceName(std::string_view text);
// "us-east-1", "us-gov-west-1", "ap-southeast-2": two letters, dash-separated lower-case words,
// a trailing number.
bool IsRegionName(std::string_view text);
// "t3.micro", "c6gn.16xlarge", "u-6tb1.metal".
bool IsInstanceType(std::string_view text);
// "use1-az1".
bool IsAvailabilityZoneId(std::string_view text);
// Six colon-separated pairs of lower-case hex digits.
bool IsMacAddress(std::string_view text);
// Block device mapping names EC2 serves: ami, root, swap, ebsN, ephemeralN.
bool IsBlockDeviceName(std::string_view text);
// EC2's rules for tag keys exposed in instance metadata: 1..128 characters from
// a-z A-Z 0-9 + - = . , _ : @, and not ".", ".." or "_index". Empty when valid, else why not.
std::string TagKeyProblem(std::string_view key);

// An IAM policy name (inline permission policies): 1..128 characters of [A-Za-z0-9+=,.@_-].
bool IsIamPolicyName(std::string_view text);

// ---- Identities (accounts, users, keys, MFA devices, OIDC providers) ----

// IAM's account alias rules: 3..63 of a-z 0-9 -, starting and ending with a letter or digit, no
// "--". Also not all digits, so an alias can never be mistaken for an account id.
bool IsAccountAlias(std::string_view text);
// IAM's tag rules (users and roles): empty when valid, else why not. Keys: 1..128 characters,
// not starting with "aws:" (reserved); values: at most 256. Both use letters, digits, spaces and
// _ . : / = + - @ (ASCII here; IAM also allows other Unicode letters).
std::string IamTagKeyProblem(std::string_view key);
std::string IamTagValueProblem(std::string_view value);
// "AKIA" + 16 of A-Z 0-9: the shape of a long-term access key id, old style or new.
bool IsLongTermAccessKeyId(std::string_view text);
// `prefix` (4 characters, e.g. "AIDA") + 17 of A-Z 0-9: an IAM unique id.
bool IsIamUniqueId(std::string_view text, std::string_view prefix);
// 40 characters of A-Z a-z 0-9 + /: a secret access key.
bool IsSecretAccessKey(std::string_view text);
// A POSIX environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool IsEnvVarName(std::string_view text);
// An MFA seed as authenticator apps show it: RFC 4648 base32, upper or lower case, spaces
// ignored, '=' padding optional. The decoded bytes, or nullopt for anything else.
std::optional<std::string> DecodeBase32Seed(std::string_view text);
// 40 hex digits (a certificate's SHA-1 thumbprint), either case.
bool IsThumbprint(std::string_view text);
// IAM's rules for an OIDC provider URL: "https://" + host (lower-case letters, digits, '-', '.')
// + optional path; no port, user, query or fragment, no trailing '/', at most 255 characters.
// Empty when valid, else why not.
std::string OidcUrlProblem(std::string_view url);

// arn:PARTITION:SERVICE::ACCOUNT:RESOURCE (IAM and STS ARNs have no region).
struct GlobalArn {
  std::string partition;
  std::string service;
  std::string account;
  std::string resource;
};
// nullopt unless `text` has that shape with a 12-digit account and a non-empty resource.
std::optional<GlobalArn> ParseGlobalArn(std::string_view text);
// The account a policy principal names: a bare 12-digit id, or the account of an IAM/STS ARN;
// nullopt for anything else ("*", services, federated providers...).
std::optional<std::string> AccountOfPrincipal(std::string_view principal);

// A duration: whole seconds ("3600"), or hours, minutes and seconds in that order, each at most
// once, each a whole number ("90s", "20m", "6h", "1h30m", "1h0m5s"). nullopt for anything else,
// including signs, fractions, spaces and more than 9 digits in one number.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);
// The shortest spelling ParseDuration() reads back: "0s", "45s", "12m30s", "1h30m", "36h".
std::string FormatDuration(std::chrono::seconds duration);

// Standard base64 (padding optional, whitespace ignored); nullopt on any other character.
std::optional<std::string> DecodeBase64(std::string_view text);

// Levenshtein distance.
int EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is at most 2 edits away (first one on ties).
std::optional<std::string> ClosestWithin2(std::string_view word,
                                          const std::vector<std::string_view>& candidates);

// `text` for an error message: quoted, control characters escaped, cut at 60 characters.
std::string Quote(std::string_view text);

}  // namespace imdsd::config
