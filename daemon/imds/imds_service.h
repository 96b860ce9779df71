#pragma once
// ImdsService: the IMDS protocol, independent of any HTTP library.
//
// Given what http/ extracted from one request (method, path, source address, the IMDS headers),
// it decides the outcome: a token, a metadata value or listing, or one of the refusals EC2 gives.
// http/imds_routes.cc turns an ImdsReply into status codes, headers and EC2's error pages; this
// layer never mentions a status code.
//
// The service owns an immutable State (tenants, their prebuilt metadata trees and signatures)
// built from a Config. Reload() builds a new State first and swaps it in only when that
// succeeded, so a failed reload changes nothing. Handle() is thread-safe and never blocks on a
// reload: each call takes a snapshot of the State (a shared_ptr copy) for its whole duration.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/net.h"
#include "common/random.h"
#include "common/status.h"
#include "config/config.h"
#include "crypto/identity_signer.h"

namespace imdsd::imds {

struct ImdsRequest {
  std::string_view method;  // "GET", "HEAD", "PUT", ...
  std::string_view path;    // URL path as received, without the query string
  net::IpAddress source;    // peer address
  net::IpAddress local;     // address the connection was accepted on
  std::optional<std::string_view> token;           // X-aws-ec2-metadata-token
  std::optional<std::string_view> token_ttl;       // X-aws-ec2-metadata-token-ttl-seconds
  bool has_forwarded_for = false;                  // X-Forwarded-For present
};

enum class Outcome {
  kData,              // body is a value or a listing
  kToken,             // body is a new token; token_ttl_seconds is the granted TTL
  kBadRequest,        // 400: bad/missing TTL on the token PUT
  kUnauthorized,      // 401: token missing (required mode), invalid, expired or foreign
  kForbidden,         // 403: X-Forwarded-For, endpoint disabled, unknown tenant, PUT on wrong path
  kNotFound,          // 404
  kMethodNotAllowed,  // 405 (GET etc. on the token path)
};

struct ImdsReply {
  Outcome outcome = Outcome::kNotFound;
  std::string body;
  // kToken: the TTL granted. kData with a valid token: the token's remaining lifetime.
  std::optional<std::int64_t> token_ttl_seconds;
  // kToken: the instance's http_put_response_hop_limit, to be applied as IP TTL / hop limit.
  std::optional<int> hop_limit;
  // For the access log and refusal log: the tenant's name, empty when none matched.
  std::string tenant;
  // Why the request was refused (no secrets), for the log; empty on success.
  std::string refusal_reason;
};

class ImdsService {
 public:
  // Creates the token key in `config.state_dir` when missing. Errors: see Reload().
  static Result<std::unique_ptr<ImdsService>> Create(std::shared_ptr<const config::Config> config,
                                                     const Clock& clock, RandomSource& random,
                                                     const crypto::IdentitySigner& signer);
  ~ImdsService();
  ImdsService(const ImdsService&) = delete;
  ImdsService& operator=(const ImdsService&) = delete;

  ImdsReply Handle(const ImdsRequest& request) const;

  // Builds the State for `config`; on success swaps it in. On error (kInvalidArgument for
  // content that cannot be served, kIoError/kPermissionDenied for the state directory) the
  // running State is kept.
  Status Reload(std::shared_ptr<const config::Config> config);

 private:
  struct State;
  ImdsService(const Clock& clock, RandomSource& random, const crypto::IdentitySigner& signer);
  std::shared_ptr<const State> Snapshot() const;

  const Clock& clock_;
  RandomSource& random_;
  const crypto::IdentitySigner& signer_;
  mutable std::mutex state_mutex_;
  std::shared_ptr<const State> state_;  // guarded by state_mutex_
};

}  // namespace imdsd::imds
