#include "http/sts_routes.h"

#include <utility>

namespace imdsd::http {

bool IsLoopback(const net::IpAddress& address) {
  const auto& b = address.bytes();
  if (address.is_v4()) return b[0] == 127;
  for (std::size_t i = 0; i < 15; ++i) {
    if (b[i] != 0) return false;
  }
  return b[15] == 1;
}

stsapi::StsRequest ToStsRequest(const Request& request) {
  stsapi::StsRequest out;
  out.method = request.method;
  out.path = request.path;
  out.query = request.query;
  out.headers = request.headers;
  out.body = request.body;
  out.source_ip = request.source.ToString();
  return out;
}

Response ToResponse(stsapi::StsReply reply) {
  Response response;
  response.status = reply.status;
  response.headers = std::move(reply.headers);
  response.body = std::move(reply.body);
  return response;
}

StsRoutes::StsRoutes(const stsapi::StsFrontend& frontend, const stsapi::AuditRing* audit)
    : frontend_(frontend), audit_(audit) {}

Response StsRoutes::Handle(const Request& request) const {
  if (audit_ != nullptr && request.path == kAuditPath &&
      (request.method == "GET" || request.method == "HEAD")) {
    return AuditResponse(request);
  }
  return ToResponse(frontend_.Handle(ToStsRequest(request)));
}

Response StsRoutes::AuditResponse(const Request& request) const {
  Response response;
  if (!IsLoopback(request.source)) {
    response.status = 403;
    response.headers = {{"Content-Type", "text/plain"}};
    response.body = "The audit log is served to loopback clients only.\n";
    return response;
  }
  response.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
  response.body = audit_->ToJsonArray();
  return response;
}

Handler MakeStsHandler(const StsRoutes& routes) {
  return [&routes](const Request& request) { return routes.Handle(request); };
}

}  // namespace imdsd::http
