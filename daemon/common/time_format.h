#pragma once
// Formatting of wall-clock times the way AWS prints them. Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace imdsd {

// "2022-05-24T12:58:01Z": UTC, whole seconds (IMDS LastUpdated/Expiration, identity document).
std::string FormatIso8601(WallTime t);
// Parses exactly the FormatIso8601 shape; nullopt otherwise.
std::optional<WallTime> ParseIso8601(std::string_view text);
// "Wed, 08 Sep 2021 10:28:51 GMT" (HTTP Date header).
std::string FormatHttpDate(WallTime t);

}  // namespace imdsd
