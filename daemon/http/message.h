#pragma once
// Request and Response values exchanged between http/server.cc and the route handlers.
// A Request borrows its strings from the HTTP library for the duration of one handler call;
// copy what you keep. Plain values; not shared between threads.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/net.h"

namespace imdsd::http {

struct Request {
  std::string_view method;
  std::string_view path;     // without the query string
  std::string_view version;  // "HTTP/1.1"
  net::IpAddress source;
  net::IpAddress local;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  // Query-string arguments in order, percent-decoded with '+' as space (libmicrohttpd's
  // splitting); a name without '=' has an empty value. Empty for most IMDS requests.
  std::vector<std::pair<std::string_view, std::string_view>> query;
  std::string_view body;

  // Case-insensitive header lookup; the first occurrence.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the IP TTL / IPv6 hop limit the response is sent with.
  std::optional<int> ip_ttl;
  bool close_connection = false;
};

// Handlers must not throw; the server still answers 500 if one does.
using Handler = std::function<Response(const Request&)>;

}  // namespace imdsd::http
