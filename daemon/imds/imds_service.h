#pragma once
// ImdsService: the IMDS protocol, independent of any HTTP library.
//
// Given what http/ extracted from one request (method, path, source address, the IMDS headers),
// it decides the outcome: a token, a metadata value or listing, or one of the refusals EC2 gives.
// http/imds_routes.cc turns an ImdsReply into status codes, headers and EC2's error pages; this
// layer never mentions a status code.
//
// The service owns an immutable State (tenants, their prebuilt metadata trees, identity
// signatures made on first request; see imds/instance_identity.h) built from a Config. Reload()
// builds a new State first and swaps it in only when that succeeded, so a failed reload changes
// nothing. Handle() is thread-safe and never blocks on a reload: each call uses one State for its
// whole duration. Each thread keeps its own reference to the current State and refreshes it, under
// the mutex, only when a reload has replaced it (a process-wide unique id per State says so), so
// requests share no lock and no reference count. A replaced State is freed once every thread that
// used it has moved on or exited; State destructors touch nothing borrowed, so that may happen
// after the service is gone. The clock, random source, signer and providers are borrowed and must
// outlive the service.
//
// Handle() decides in this order (the first rule that applies wins):
//  1. No instance answers the source address (TenantResolver)      -> kForbidden.
//  2. The instance's http_endpoint is disabled                      -> kForbidden; so is a
//     request accepted on EC2's IPv6 endpoint fd00:ec2::254 for an instance whose
//     http_protocol_ipv6 is disabled (EC2 would not answer at all there). Other local
//     addresses (127.0.0.1, ::1 in tests) are not checked.
//  3. X-Forwarded-For present, on any method and path               -> kForbidden. EC2 documents
//     it for the token PUT and was seen refusing GETs that carried it too; refusing both is
//     the safer reading.
//  4. A "." or ".." path segment                                    -> kNotFound (never resolved).
//  5. /latest/api/token (slashes normalised): non-PUT               -> kMethodNotAllowed;
//     PUT with a trailing slash                                     -> kForbidden (as EC2);
//     PUT with a bad TTL header (missing, empty, not all digits,
//     outside 1..21600)                                             -> kBadRequest;
//     else                                                          -> kToken.
//  6. PUT on /<dated version>/api/token                             -> kForbidden (as EC2);
//     PUT anywhere else                                             -> kMethodNotAllowed (our
//     choice: EC2's answer is not documented).
//  7. Methods other than GET and HEAD                               -> kMethodNotAllowed.
//  8. A token header is present but does not verify for this instance (malformed, forged,
//     expired, minted for another instance)                         -> kUnauthorized, also in
//     optional mode; no token and http_tokens required              -> kUnauthorized.
//  9. Tree lookup: "/" lists the versions; an unknown version or path -> kNotFound; else kData.
//     With a valid token, token_ttl_seconds is its remaining life.

#include <atomic>
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
#include "imds/dynamic_subtree.h"

namespace imdsd::imds {

struct ImdsRequest {
  std::string_view method;  // "GET", "HEAD", "PUT", ...
  std::string_view path;    // URL path as the HTTP library decoded it, no query; taken literally
  net::IpAddress source;    // peer address
  net::IpAddress local;     // address the connection was accepted on
  std::optional<std::string_view> token;      // X-aws-ec2-metadata-token
  std::optional<std::string_view> token_ttl;  // X-aws-ec2-metadata-token-ttl-seconds
  bool has_forwarded_for = false;             // X-Forwarded-For present
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
  // Creates the token key (`config.state_dir`/token.key, 32 random bytes, 0600) when missing.
  // `providers` mounts dynamic subtrees (iam/); none by default. Errors: see Reload().
  static Result<std::unique_ptr<ImdsService>> Create(std::shared_ptr<const config::Config> config,
                                                     const Clock& clock, RandomSource& random,
                                                     const crypto::IdentitySigner& signer,
                                                     MetadataProviders providers = {});
  ~ImdsService();
  ImdsService(const ImdsService&) = delete;
  ImdsService& operator=(const ImdsService&) = delete;

  ImdsReply Handle(const ImdsRequest& request) const;

  // Builds the State for `config` (token key, every instance's tree; the first instance's
  // identity document is signed as a probe of the signer); on success swaps it in. On error the
  // running State is kept: kInvalidArgument for a null config or content that cannot be served
  // (a tag key that is not a path segment...), kIoError/kPermissionDenied/kDataCorrupt for the
  // state directory or token key, kInternal when signing the probe fails.
  Status Reload(std::shared_ptr<const config::Config> config);

 private:
  struct State;
  // Lets Create() use std::make_unique while nobody else can construct.
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  ImdsService(PrivateTag, const Clock& clock, RandomSource& random,
              const crypto::IdentitySigner& signer, MetadataProviders providers);

 private:
  Result<std::shared_ptr<const State>> BuildState(
      std::shared_ptr<const config::Config> config) const;
  // The current State, through the calling thread's reference (see the class comment). Valid
  // until this thread's next call.
  const State& CurrentState() const;

  const Clock& clock_;
  RandomSource& random_;
  const crypto::IdentitySigner& signer_;
  const MetadataProviders providers_;
  mutable std::mutex state_mutex_;
  std::shared_ptr<const State> state_;  // guarded by state_mutex_
  // Identifies state_, unique in the process; 0 before the first Reload(). Written under
  // state_mutex_ together with state_; read without it to detect a reload.
  std::atomic<std::uint64_t> state_id_{0};
};

}  // namespace imdsd::imds
