#pragma once
// Virtual MFA devices: base32 seeds (RFC 4648) and time-based one-time passwords (RFC 6238).
//
// STS checks AssumeRole / GetSessionToken's SerialNumber + TokenCode against the device's seed
// from the config. Codes are HOTP (RFC 4226, HMAC-SHA1, dynamic truncation) over the time step
// floor(unix seconds / 30), six digits, as AWS's virtual MFA devices and every authenticator app
// compute them. Nothing here reads a clock: callers pass the time (WallTime from their injected
// Clock) or the step counter itself, so tests can use any instant, including RFC 6238's year-2603
// vector, which a nanosecond system_clock cannot represent.
//
// Pure functions over caller-owned data; thread-safe. Seeds are secrets: no message returned by
// these functions contains a seed, nor the code that was submitted.
//
// Replay: AWS accepts a code only once. Reuse is answered like a wrong code, AccessDenied (403)
// "MultiFactorAuthentication failed with invalid MFA one time pass code." — observed when the same
// code is sent twice in a row (aws/aws-cli#2279: assume-role run in a loop with one code; tools
// such as glassechidna/awsweb#5 wait for the next code for this reason). No separate code or text
// for reuse was found (UNCONFIRMED that none exists). The other MFA failure, an unknown or
// unassociated serial, is AccessDenied "MultiFactorAuthentication failed, unable to validate MFA
// code.  Please verify your MFA serial number is valid and associated with this user." (two spaces
// after "code."; sts.md §5.1). The STS layer keeps, per device, the step of the last accepted code
// and passes it to VerifyTotp(), which then refuses that step and every earlier one.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "crypto/digest.h"

namespace imdsd::crypto {

// RFC 4648 §6 base32, upper case, '=' padded to a multiple of 8 characters ("" for no bytes).
std::string Base32Encode(std::span<const std::uint8_t> data);

// Decodes RFC 4648 base32 as people paste MFA seeds: letters in either case, '=' padding
// optional (when present it must complete the last 8-character group), spaces anywhere ignored.
// kInvalidArgument for any other character, '=' before the end, a length no byte count encodes
// (1, 3 or 6 characters in the last group), or non-zero bits after the last byte (a truncated or
// mistyped seed). The message gives the position, never the text.
Result<Bytes> Base32Decode(std::string_view text);

inline constexpr std::chrono::seconds kTotpStep{30};
inline constexpr int kTotpDigits = 6;
// Steps either side of the current one whose codes are accepted. AWS tolerates a small clock
// difference between the device (often a phone) and its servers, and a code typed in the last
// seconds of its step arrives in the next one; one step each way is what RFC 6238 §5.2
// recommends at most. Wider windows only give a guesser more codes to hit.
inline constexpr int kTotpDriftSteps = 1;

struct TotpParams {
  int digits = kTotpDigits;               // 6..8 (RFC 4226 §5.3 asks for at least 6)
  std::chrono::seconds step = kTotpStep;  // > 0
};

// RFC 4226 HOTP with HMAC-SHA1: the `digits`-digit code for `counter`, zero-padded on the left.
// kInvalidArgument when `seed` is empty or `digits` is outside 6..8.
Result<std::string> HotpCode(std::span<const std::uint8_t> seed, std::uint64_t counter,
                             int digits = kTotpDigits);

// RFC 6238 time step of `t`: floor(seconds since the Unix epoch / step), T0 = 0.
// kInvalidArgument when `t` is before the epoch or `step` is not positive.
Result<std::uint64_t> TotpStepAt(WallTime t, std::chrono::seconds step = kTotpStep);

// The code a device with `seed` shows at `t`. Errors as HotpCode() and TotpStepAt().
Result<std::string> TotpCode(std::span<const std::uint8_t> seed, WallTime t,
                             const TotpParams& params = {});

struct TotpMatch {
  std::uint64_t step = 0;  // the time step whose code matched; remember it to refuse reuse
  int drift = 0;           // step minus the current step: -1, 0 or +1
};

// Checks `code` against the codes of the current step at `now` and kTotpDriftSteps either side,
// comparing in constant time. Steps at or before `last_used_step` (the step of the last code
// accepted for this device, if any) are never accepted: a code is good once, and an older code
// is not good after a newer one. When several steps match, the current step wins, then the
// earlier one.
// Returns the matching step on success. kInvalidArgument when `code` is not exactly
// params.digits ASCII digits or the seed or params are unusable; kUnauthenticated when no step
// in the window matches; kFailedPrecondition when the code matches only steps already used (a
// replay; STS answers it like a wrong code, see above, but the audit log can tell them apart).
Result<TotpMatch> VerifyTotp(std::span<const std::uint8_t> seed, std::string_view code,
                             WallTime now, std::optional<std::uint64_t> last_used_step = {},
                             const TotpParams& params = {});

}  // namespace imdsd::crypto
