#pragma once
// AccessLog: where the IMDS routes report one line per answered request.
//
// Abstract so http/ does not depend on the logging setup and tests can capture entries. The real
// implementation is app::AccessLogger (an asynchronous spdlog logger that never makes the request
// path wait). Implementations must be thread-safe: every server thread calls Record().
// An entry never carries a token or other secret, so implementations may print every field.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/net.h"

namespace imdsd::http {

struct AccessEntry {
  std::string_view tenant;  // empty when no tenant matched
  net::IpAddress source;
  std::string_view method;
  std::string_view path;  // as received: untrusted text, escape before printing
  int status = 0;
  std::int64_t duration_us = 0;
};

class AccessLog {
 public:
  virtual ~AccessLog() = default;
  virtual void Record(const AccessEntry& entry) = 0;
};

// `text` made safe for a one-line log: bytes outside printable ASCII, `"` and `\` become \xNN
// escapes, and anything beyond `max_bytes` input bytes is cut and marked with "...". Client-sent
// paths go through this so they cannot forge log lines or flood the log.
std::string PrintableForLog(std::string_view text, std::size_t max_bytes = 256);

}  // namespace imdsd::http
