#pragma once
// ImdsRoutes: the HTTP face of the IMDS. Extracts the IMDS headers from a Request, asks the
// backend (ImdsService::Handle) for an ImdsReply and turns it into the exact response EC2 gives:
// status, `Server: EC2ws`, content types, the token TTL header, EC2's XHTML error pages and the hop
// limit of the token reply (docs: /work/shared/reference/imds.md §3-§5).
//
// This is the only place where IMDS outcomes become status codes. It also writes the access log
// entry of every request and a warning for every refusal; neither ever contains a token.
// Thread-safe: Handle() only reads members; the backend and the AccessLog are thread-safe.
// Borrows the backend's target, the Clock and the AccessLog; they must outlive this object.

#include <functional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "http/access_log.h"
#include "http/message.h"
#include "imds/imds_service.h"

namespace imdsd::http {

// Header names, as EC2 documents them (matching is case-insensitive).
inline constexpr std::string_view kTokenHeader = "X-aws-ec2-metadata-token";
inline constexpr std::string_view kTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
// How EC2 spells the TTL header in its replies.
inline constexpr std::string_view kTokenTtlReplyHeader = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds";

class ImdsRoutes {
 public:
  // ImdsService::Handle, or a fake in tests.
  using Backend = std::function<imds::ImdsReply(const imds::ImdsRequest&)>;

  // `access_log` may be null (access logging off). Last-Modified of data replies is the wall time
  // at construction, i.e. daemon start: metadata is built from the configuration then.
  ImdsRoutes(Backend backend, const Clock& clock, AccessLog* access_log);

  Response Handle(const Request& request) const;

 private:
  const Backend backend_;
  const Clock& clock_;
  AccessLog* const access_log_;
  const std::string last_modified_;
};

// A Handler calling `routes.Handle`; `routes` must outlive it.
Handler MakeImdsHandler(const ImdsRoutes& routes);

// The pieces of ImdsRoutes::Handle, exposed for tests.

// The IMDS view of `request`; string_views point into `request`.
imds::ImdsRequest ToImdsRequest(const Request& request);
// The response EC2 sends for `reply`. `last_modified` is an HTTP date.
Response ToResponse(const imds::ImdsReply& reply, std::string_view last_modified);
// EC2 does not support `Expect: 100-continue` and answers 417 before looking at the request.
bool WantsContinue(const Request& request);
Response ExpectationFailedResponse();
// EC2's lighttpd-style XHTML error page for `status` (400, 401, 404, 405 or 417), ending in "\n".
std::string ErrorPage(int status);

}  // namespace imdsd::http
