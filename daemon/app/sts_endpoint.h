#pragma once
// StsEndpoint: the STS Query API listener of a running imdsd (issue 4), kept out of daemon.cc.
//
// Start() builds, from the configuration, the identity directory (stsservice::Directory), the
// SigV4 authenticator and the lab actions, the protocol frontend (stsapi::StsFrontend), the audit
// sinks (the 0600 JSON-lines file at config::AuditLogPath() and an in-memory ring that
// GET /audit serves to loopback clients), and one http::Server on sts.listen. It borrows the
// daemon's clock, random source and session-token codec, so credentials IMDS hands out (minted
// with the same key in state_dir/sts-session.key) authenticate here, and sessions minted here
// survive a restart as IMDS's do.
//
// Reload() swaps the identity directory (users, keys, roles, policies, MFA devices, OIDC
// providers) in one step; requests in flight finish with the directory they started with. The
// listener, server options, audit file, signing region and clock-skew window are only read at
// start (daemon.cc's KeepStartOnlySettings keeps them).
//
// Start/Reload/Stop are called from the daemon's main thread only; the server's worker threads
// use the frontend, which is thread-safe. Not copyable or movable: the server borrows members.

#include <cstddef>
#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/net.h"
#include "common/random.h"
#include "common/status.h"
#include "config/config.h"
#include "sts/session_token.h"
#include "stsservice/directory.h"

namespace imdsd::app {

class StsEndpoint {
 public:
  // How many audit records GET /audit returns (the most recent ones).
  static constexpr std::size_t kAuditRingCapacity = 1000;

  // What the endpoint borrows from the daemon; each must outlive the StsEndpoint.
  struct Borrowed {
    const Clock& clock;
    RandomSource& random;
    const sts::SessionTokenCodec& session_codec;
  };

  // Builds everything and binds config.sts.listen with config.server's limits and threads.
  // kInvalidArgument when the identities cannot be indexed, kPermissionDenied/kIoError from
  // the audit file (an existing one readable by others is refused), kIoError when a listen
  // address cannot be bound (nothing stays bound then).
  static Result<std::unique_ptr<StsEndpoint>> Start(std::shared_ptr<const config::Config> config,
                                                    Borrowed borrowed);
  ~StsEndpoint();
  StsEndpoint(const StsEndpoint&) = delete;
  StsEndpoint& operator=(const StsEndpoint&) = delete;

  // The bound addresses, in sts.listen order; port 0 became the OS's choice.
  const std::vector<net::Endpoint>& BoundEndpoints() const;

  // Reload in two steps, so the daemon can validate everything before changing anything:
  // PrepareReload() indexes `next`'s identities (kInvalidArgument when that fails; nothing
  // changes then), CommitReload() swaps them in and cannot fail.
  Result<std::shared_ptr<const stsservice::Directory>> PrepareReload(
      std::shared_ptr<const config::Config> next) const;
  void CommitReload(std::shared_ptr<const stsservice::Directory> directory);

  // Stops the listener (in-flight requests finish) and writes out queued audit records.
  // Idempotent; also done by the destructor.
  void Stop();

 private:
  struct Parts;
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  StsEndpoint(PassKey key, std::unique_ptr<Parts> parts);

 private:
  const std::unique_ptr<Parts> parts_;
};

}  // namespace imdsd::app
