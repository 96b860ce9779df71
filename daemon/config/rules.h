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
