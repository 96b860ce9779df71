#pragma once
// Redaction helpers: the only way a token or secret may be mentioned in a log line.
// Pure, thread-safe.

#include <string>
#include <string_view>

namespace imdsd {

// "<redacted:56 chars>": tells an operator that something was there and how long it was,
// never any of its characters.
inline std::string Redacted(std::string_view secret) {
  return "<redacted:" + std::to_string(secret.size()) + " chars>";
}

}  // namespace imdsd
