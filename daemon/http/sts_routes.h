#pragma once
// StsRoutes: the HTTP face of the STS Query API listener. Every request goes to
// stsapi::StsFrontend (which writes the STS statuses, headers and XML itself), except
// GET /audit, which returns the most recent audit records as a JSON array to loopback clients
// only: the records name users, roles and source addresses of every tenant.
//
// Thread-safe: Handle() only reads members, and the frontend and ring are thread-safe.
// Borrows the frontend and the ring; they must outlive this object.

#include <string_view>

#include "http/message.h"
#include "stsapi/audit.h"
#include "stsapi/frontend.h"

namespace imdsd::http {

inline constexpr std::string_view kAuditPath = "/audit";

class StsRoutes {
 public:
  // `audit` may be null: GET /audit is then an ordinary STS request.
  StsRoutes(const stsapi::StsFrontend& frontend, const stsapi::AuditRing* audit);

  Response Handle(const Request& request) const;

 private:
  Response AuditResponse(const Request& request) const;

  const stsapi::StsFrontend& frontend_;
  const stsapi::AuditRing* const audit_;
};

// A Handler calling `routes.Handle`; `routes` must outlive it.
Handler MakeStsHandler(const StsRoutes& routes);

// The pieces of StsRoutes::Handle, exposed for tests.
stsapi::StsRequest ToStsRequest(const Request& request);
Response ToResponse(stsapi::StsReply reply);
// 127.0.0.0/8 and ::1.
bool IsLoopback(const net::IpAddress& address);

}  // namespace imdsd::http
