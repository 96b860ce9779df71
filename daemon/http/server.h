#pragma once
// Server: the HTTP listeners, built on libmicrohttpd (the only user of <microhttpd.h>).
//
// One MHD daemon per listen endpoint, each with its own pool of epoll worker threads. Every
// request is turned into an http::Request and passed to the Handler, whose Response is sent back
// (with the requested IP TTL / IPv6 hop limit when Response::ip_ttl is set). The Handler is
// borrowed by copy and called concurrently from all worker threads, so it must be thread-safe.
//
// Start() binds every endpoint or none: binding failures come back as kIoError naming the endpoint
// and the errno text. Destroying the Server (or Stop()) stops accepting, lets in-flight requests
// finish (bounded by kDrainTimeout), then closes all connections. Start/Stop/BoundEndpoints must be
// called from one thread; the worker threads never touch the Server object itself.
//
// Notes on libmicrohttpd 0.9.75 behaviour the server relies on:
// - A response queued in the first access-handler call disables keep-alive, so requests are
//   answered on the second call, except those carrying `Expect: 100-continue`: MHD would send
//   "100 Continue" before the second call, so they are answered (with an empty body) at once.
// - Requests whose headers exceed max_request_bytes are answered by MHD itself (431) and never
//   reach the handler; bodies above max_request_bytes are answered 413 by the server.
// - HEAD responses carry Content-Length of the body, and MHD does not send the body.

#include <chrono>
#include <memory>
#include <vector>

#include "common/net.h"
#include "common/status.h"
#include "config/config.h"
#include "http/message.h"

namespace imdsd::http {

class Server {
 public:
  // How long Stop() waits for in-flight requests before closing their connections.
  static constexpr std::chrono::seconds kDrainTimeout{5};

  // Binds and listens on every endpoint of `listen` (options.listen is not read, so callers can
  // override it) and starts serving. options.max_connections is shared evenly by the endpoints.
  // kInvalidArgument when `listen` is empty; kIoError when a socket cannot be bound or MHD fails
  // to start (nothing stays bound then).
  static Result<std::unique_ptr<Server>> Start(const config::ServerOptions& options,
                                               std::vector<net::Endpoint> listen, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  Server(Server&&) = delete;
  Server& operator=(Server&&) = delete;

  // The addresses actually bound, in the order given to Start(); port 0 became the OS's choice.
  const std::vector<net::Endpoint>& BoundEndpoints() const { return bound_; }

  // Graceful stop as described above; idempotent.
  void Stop();

 private:
  class Listener;
  struct DrainState;
  // Lets Start() use make_unique while nobody else can construct a Server.
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  Server(PassKey key, Handler handler);

 private:
  const Handler handler_;
  const std::unique_ptr<DrainState> drain_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<net::Endpoint> bound_;
};

}  // namespace imdsd::http
