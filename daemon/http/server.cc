#include "http/server.h"

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <utility>

#include <microhttpd.h>
#include <spdlog/spdlog.h>

namespace imdsd::http {
namespace {

std::string ErrnoText(int error) { return std::generic_category().message(error); }

// Owns a socket descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  // Gives up ownership (to MHD, which closes it in MHD_stop_daemon).
  int Release() { return std::exchange(fd_, -1); }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct MhdDaemonDeleter {
  void operator()(MHD_Daemon* daemon) const { MHD_stop_daemon(daemon); }
};
using MhdDaemonPtr = std::unique_ptr<MHD_Daemon, MhdDaemonDeleter>;

struct MhdResponseDeleter {
  // MHD keeps its own reference to a queued response, so this never frees one in flight.
  void operator()(MHD_Response* response) const { MHD_destroy_response(response); }
};
using MhdResponsePtr = std::unique_ptr<MHD_Response, MhdResponseDeleter>;

socklen_t ToSockaddr(const net::Endpoint& endpoint, sockaddr_storage* storage) {
  std::memset(storage, 0, sizeof(*storage));
  if (endpoint.address.is_v4()) {
    auto* in = reinterpret_cast<sockaddr_in*>(storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(endpoint.port);
    std::memcpy(&in->sin_addr, endpoint.address.bytes().data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(storage);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(endpoint.port);
  std::memcpy(&in6->sin6_addr, endpoint.address.bytes().data(), 16);
  return sizeof(sockaddr_in6);
}

// A bound, listening, non-blocking socket (non-blocking because every pool thread accepts on it).
Result<UniqueFd> OpenListenSocket(const net::Endpoint& endpoint) {
  const int family = endpoint.address.is_v4() ? AF_INET : AF_INET6;
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  auto fail = [&endpoint](const char* what) {
    const int error = errno;
    return IoError("cannot listen on " + endpoint.ToString() + ": " + what + ": " +
                   ErrnoText(error));
  };
  if (fd.get() < 0) return fail("socket");
  const int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) {
    return fail("SO_REUSEADDR");
  }
  // Without V6ONLY a [::] listener would also take IPv4 and clash with a 0.0.0.0 listener.
  if (family == AF_INET6 &&
      ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) != 0) {
    return fail("IPV6_V6ONLY");
  }
  sockaddr_storage address;
  const socklen_t length = ToSockaddr(endpoint, &address);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    return fail("bind");
  }
  if (::listen(fd.get(), SOMAXCONN) != 0) return fail("listen");
  return fd;
}

Result<net::Endpoint> LocalEndpoint(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return IoError(std::string("getsockname: ") + ErrnoText(errno));
  }
  auto ip = net::IpAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&address));
  if (!ip) return Internal("getsockname returned an unexpected address family");
  const std::uint16_t port = address.ss_family == AF_INET
                                 ? reinterpret_cast<const sockaddr_in*>(&address)->sin_port
                                 : reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port;
  return net::Endpoint{*ip, ntohs(port)};
}

// The last response built on a connection, kept so that the same answer asked for again (a
// client polling one value with one token: same body, same TTL header within the second) is
// queued again instead of rebuilt. Building an MHD_Response costs ~20 allocations and string
// copies (one per header name and value); MHD responses are immutable once queued and may be
// queued any number of times. Only responses with a body of at most kMaxBodyBytes are kept, so
// an idle keep-alive connection holds little memory.
struct LastResponse {
  static constexpr std::size_t kMaxBodyBytes = 1024;

  Response response;  // what `mhd` was built from; ip_ttl is not part of it
  MhdResponsePtr mhd;

  // True when `mhd` sends exactly what `out` describes (status is given at queueing time and
  // ip_ttl is applied to the socket, so neither is compared).
  bool Matches(const Response& out) const {
    return mhd != nullptr && out.close_connection == response.close_connection &&
           out.body == response.body && out.headers == response.headers;
  }
};

// State of one TCP connection, owned by MHD's socket_context between the STARTED and CLOSED
// notifications. Only the worker thread serving the connection touches it.
struct ConnectionState {
  bool addresses_known = false;
  net::IpAddress source;
  net::IpAddress local;
  // Spare header list, so a keep-alive connection's requests reuse one allocation.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  LastResponse last_response;
  // The IP TTL / IPv6 hop limit last set on the socket; nullopt while it is the system default.
  // A keep-alive client fetching one token after another costs one setsockopt, not one each.
  std::optional<int> ttl;
  // False only for the stand-in used when this state could not be allocated: the socket's TTL is
  // then unknown, so it is set for every response.
  bool ttl_tracked = true;
};

// State of one request that carries a body. Requests without a body use kAwaitingBody instead, so
// the common GET allocates nothing.
struct RequestState {
  std::string body;
  bool too_large = false;
};

// Marks "first handler call seen" in *con_cls for requests that have no RequestState (yet).
char kAwaitingBody = 0;

MHD_Result CollectHeader(void* cls, MHD_ValueKind /*kind*/, const char* key, const char* value) {
  auto* headers = static_cast<std::vector<std::pair<std::string_view, std::string_view>>*>(cls);
  headers->emplace_back(key, value != nullptr ? value : "");
  return MHD_YES;
}

bool HasExpectContinue(MHD_Connection* connection) {
  const char* expect = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Expect");
  return expect != nullptr && ::strcasecmp(expect, "100-continue") == 0;
}

MHD_Result QueueStatusOnly(MHD_Connection* connection, unsigned status) noexcept {
  MhdResponsePtr response(MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT));
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response.get(), "Connection", "close");
  return MHD_queue_response(connection, status, response.get());
}

MhdResponsePtr BuildResponse(const Response& out) {
  // MUST_COPY: `out` may die before MHD has sent the body.
  MhdResponsePtr response(MHD_create_response_from_buffer(
      out.body.size(), const_cast<char*>(out.body.data()), MHD_RESPMEM_MUST_COPY));
  if (response == nullptr) return nullptr;
  for (const auto& [name, value] : out.headers) {
    if (MHD_add_response_header(response.get(), name.c_str(), value.c_str()) != MHD_YES) {
      spdlog::debug("libmicrohttpd refused response header {}", name);
    }
  }
  if (out.close_connection) MHD_add_response_header(response.get(), "Connection", "close");
  return response;
}

// Queues `out`, reusing `last`'s MHD_Response when it is the same answer, and keeps the new one
// in `last` otherwise (when small enough).
MHD_Result QueueResponse(MHD_Connection* connection, Response&& out, LastResponse& last) {
  const auto status = static_cast<unsigned>(out.status);
  if (last.Matches(out)) return MHD_queue_response(connection, status, last.mhd.get());
  MhdResponsePtr response = BuildResponse(out);
  if (response == nullptr) return MHD_NO;
  const MHD_Result queued = MHD_queue_response(connection, status, response.get());
  if (out.body.size() <= LastResponse::kMaxBodyBytes) {
    last.mhd = std::move(response);
    last.response = std::move(out);
  } else {
    last = LastResponse{};
  }
  return queued;
}

void LogFromMhd(void* /*cls*/, const char* format, va_list args) {
  char buffer[512];
  std::vsnprintf(buffer, sizeof(buffer), format, args);
  std::string_view text(buffer);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  spdlog::debug("libmicrohttpd: {}", text);
}

}  // namespace

// Requests in flight across all listeners, so Stop() can wait for them with one timeout.
struct Server::DrainState {
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};
  std::mutex mutex;
  std::condition_variable drained;  // waited on with `mutex`

  void Finished() {
    if (--in_flight == 0 && draining) {
      std::scoped_lock lock(mutex);
      drained.notify_all();
    }
  }
  void WaitForIdle(std::chrono::seconds timeout) {
    draining = true;
    std::unique_lock lock(mutex);
    drained.wait_for(lock, timeout, [this] { return in_flight.load() == 0; });
  }
};

// One MHD daemon serving one endpoint. Its static callbacks are the C entry points; each wraps
// its body in try/catch because no exception may cross into libmicrohttpd.
class Server::Listener {
 public:
  Listener(const Handler& handler, DrainState& drain, bool is_v6, std::size_t max_body_bytes)
      : handler_(handler), drain_(drain), is_v6_(is_v6), max_body_bytes_(max_body_bytes) {}
  ~Listener() { Close(); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  Status Start(const config::ServerOptions& options, unsigned connection_limit, UniqueFd fd);
  // Stops accepting; in-flight requests continue.
  void Quiesce();
  // Stops the daemon (closing all connections) and releases the socket.
  void Close();

 private:
  static MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url,
                              const char* method, const char* version, const char* upload_data,
                              std::size_t* upload_data_size, void** con_cls) noexcept;
  static void OnCompleted(void* cls, MHD_Connection* connection, void** con_cls,
                          MHD_RequestTerminationCode toe) noexcept;
  static void OnConnection(void* cls, MHD_Connection* connection, void** socket_context,
                           MHD_ConnectionNotificationCode toe) noexcept;

  MHD_Result HandleCall(MHD_Connection* connection, const char* url, const char* method,
                        const char* version, const char* upload_data, std::size_t* upload_data_size,
                        void** con_cls);
  MHD_Result Respond(MHD_Connection* connection, const char* url, const char* method,
                     const char* version, std::string_view body);
  void ApplyHopLimit(MHD_Connection* connection, ConnectionState& state, std::optional<int> ttl);

  const Handler& handler_;
  DrainState& drain_;
  const bool is_v6_;
  const std::size_t max_body_bytes_;
  MhdDaemonPtr daemon_;
  UniqueFd quiesced_fd_;  // after Quiesce(); closed only after MHD_stop_daemon, as MHD requires
};

Status Server::Listener::Start(const config::ServerOptions& options, unsigned connection_limit,
                               UniqueFd fd) {
  unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                         : std::max(1u, std::thread::hardware_concurrency());
  if (threads == 1) threads = 0;  // MHD's "no pool": one internal thread, without a warning
  const int listen_fd = fd.get();
  // One option and its arguments a line.
  // clang-format off
  daemon_.reset(MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_TURBO | MHD_USE_ERROR_LOG, 0,
      /*apc=*/nullptr, nullptr, &Listener::OnRequest, this,
      // The logger goes first so that start-up messages reach it too.
      MHD_OPTION_EXTERNAL_LOGGER, &LogFromMhd, this,
      MHD_OPTION_LISTEN_SOCKET, listen_fd,
      MHD_OPTION_THREAD_POOL_SIZE, threads,
      MHD_OPTION_CONNECTION_LIMIT, connection_limit,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<unsigned>(options.max_connections_per_ip),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<std::size_t>(options.max_request_bytes),
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(options.connection_timeout_seconds),
      MHD_OPTION_NOTIFY_COMPLETED, &Listener::OnCompleted, this,
      MHD_OPTION_NOTIFY_CONNECTION, &Listener::OnConnection, this,
      MHD_OPTION_END));
  // clang-format on
  if (daemon_ == nullptr) return IoError("libmicrohttpd failed to start");
  fd.Release();  // MHD owns it now and closes it in MHD_stop_daemon
  return Status::Ok();
}

void Server::Listener::Quiesce() {
  if (daemon_ == nullptr || quiesced_fd_.get() >= 0) return;
  const MHD_socket fd = MHD_quiesce_daemon(daemon_.get());
  if (fd == MHD_INVALID_SOCKET) return;
  quiesced_fd_ = UniqueFd(fd);
  // MHD no longer accepts, but the kernel would still complete handshakes into the backlog until
  // the close after MHD_stop_daemon; shutdown() makes new clients fail at once instead.
  ::shutdown(fd, SHUT_RDWR);
}

void Server::Listener::Close() {
  daemon_.reset();
  quiesced_fd_.Reset();
}

MHD_Result Server::Listener::OnRequest(void* cls, MHD_Connection* connection, const char* url,
                                       const char* method, const char* version,
                                       const char* upload_data, std::size_t* upload_data_size,
                                       void** con_cls) noexcept {
  try {
    return static_cast<Listener*>(cls)->HandleCall(connection, url, method, version, upload_data,
                                                   upload_data_size, con_cls);
  } catch (...) {
    return QueueStatusOnly(connection, MHD_HTTP_INTERNAL_SERVER_ERROR);
  }
}

MHD_Result Server::Listener::HandleCall(MHD_Connection* connection, const char* url,
                                        const char* method, const char* version,
                                        const char* upload_data, std::size_t* upload_data_size,
                                        void** con_cls) {
  if (*con_cls == nullptr) {
    ++drain_.in_flight;
    *con_cls = &kAwaitingBody;
    // Answering now costs keep-alive (see server.h); waiting would make MHD send 100 Continue.
    if (HasExpectContinue(connection)) return Respond(connection, url, method, version, {});
    return MHD_YES;
  }
  RequestState* state = *con_cls == &kAwaitingBody ? nullptr : static_cast<RequestState*>(*con_cls);
  if (*upload_data_size != 0) {
    if (state == nullptr) {
      // Ownership passes to MHD's con_cls; OnCompleted takes it back into a unique_ptr.
      state = std::make_unique<RequestState>().release();
      *con_cls = state;
    }
    if (!state->too_large) {
      if (state->body.size() + *upload_data_size > max_body_bytes_) {
        state->too_large = true;
        state->body.clear();
      } else {
        state->body.append(upload_data, *upload_data_size);
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (state != nullptr && state->too_large) {
    return QueueStatusOnly(connection, MHD_HTTP_CONTENT_TOO_LARGE);
  }
  return Respond(connection, url, method, version,
                 state != nullptr ? std::string_view(state->body) : std::string_view());
}

MHD_Result Server::Listener::Respond(MHD_Connection* connection, const char* url,
                                     const char* method, const char* version,
                                     std::string_view body) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  ConnectionState fallback;  // only when allocating the connection's state failed
  fallback.ttl_tracked = false;
  ConnectionState* state = info != nullptr && info->socket_context != nullptr
                               ? static_cast<ConnectionState*>(info->socket_context)
                               : &fallback;
  if (!state->addresses_known) {
    // Once per connection: both addresses stay the same for all of its requests.
    const MHD_ConnectionInfo* client =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (client != nullptr) {
      state->source = net::IpAddress::FromSockaddr(client->client_addr).value_or(net::IpAddress());
    }
    const MHD_ConnectionInfo* fd_info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (fd_info != nullptr) {
      auto local = LocalEndpoint(fd_info->connect_fd);
      if (local.ok()) state->local = local->address;
    }
    state->addresses_known = true;
  }

  Request request;
  request.method = method;
  request.path = url;
  request.version = version;
  request.source = state->source;
  request.local = state->local;
  request.body = body;
  request.headers = std::move(state->headers);
  request.headers.clear();
  request.headers.reserve(16);
  MHD_get_connection_values(connection, MHD_HEADER_KIND, &CollectHeader, &request.headers);
  // Allocates only when the URL has a query, which IMDS clients never send.
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &CollectHeader, &request.query);

  Response response;
  try {
    response = handler_(request);
  } catch (...) {
    response = Response{};
    response.status = MHD_HTTP_INTERNAL_SERVER_ERROR;
  }
  state->headers = std::move(request.headers);  // for its capacity; cleared before reuse
  ApplyHopLimit(connection, *state, response.ip_ttl);
  return QueueResponse(connection, std::move(response), state->last_response);
}

void Server::Listener::ApplyHopLimit(MHD_Connection* connection, ConnectionState& state,
                                     std::optional<int> ttl) {
  if (state.ttl_tracked && ttl == state.ttl) return;
  const MHD_ConnectionInfo* fd_info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  if (fd_info == nullptr) return;
  // Linux takes -1 for both options as "back to the system default", so nothing needs saving.
  const int value = ttl.value_or(-1);
  const int level = is_v6_ ? IPPROTO_IPV6 : IPPROTO_IP;
  const int option = is_v6_ ? IPV6_UNICAST_HOPS : IP_TTL;
  if (::setsockopt(fd_info->connect_fd, level, option, &value, sizeof(value)) != 0) {
    spdlog::warn("cannot set the {} of a connection to {}: {}",
                 is_v6_ ? "IPv6 hop limit" : "IP TTL", value, ErrnoText(errno));
    return;
  }
  state.ttl = ttl;
}

void Server::Listener::OnCompleted(void* cls, MHD_Connection* /*connection*/, void** con_cls,
                                   MHD_RequestTerminationCode /*toe*/) noexcept {
  if (*con_cls == nullptr) return;
  if (*con_cls != &kAwaitingBody) {
    std::unique_ptr<RequestState> owned(static_cast<RequestState*>(*con_cls));
  }
  *con_cls = nullptr;
  try {
    static_cast<Listener*>(cls)->drain_.Finished();
  } catch (...) {
    // Only a failing mutex can throw; Stop() then ends at its timeout.
  }
}

void Server::Listener::OnConnection(void* /*cls*/, MHD_Connection* /*connection*/,
                                    void** socket_context,
                                    MHD_ConnectionNotificationCode toe) noexcept {
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    try {
      // Ownership passes to MHD's socket_context until the CLOSED notification below.
      *socket_context = std::make_unique<ConnectionState>().release();
    } catch (...) {
      *socket_context = nullptr;  // Respond() copes with a missing state
    }
  } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
    std::unique_ptr<ConnectionState> owned(static_cast<ConnectionState*>(*socket_context));
    *socket_context = nullptr;
  }
}

Server::Server(PassKey /*key*/, Handler handler)
    : handler_(std::move(handler)), drain_(std::make_unique<DrainState>()) {}

Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Start(const config::ServerOptions& options,
                                              std::vector<net::Endpoint> listen, Handler handler) {
  if (listen.empty()) return InvalidArgument("no listen address configured");
  auto server = std::make_unique<Server>(PassKey(), std::move(handler));
  const unsigned connection_limit = static_cast<unsigned>(std::max<std::size_t>(
      1, static_cast<std::size_t>(std::max(options.max_connections, 1)) / listen.size()));
  for (const auto& endpoint : listen) {
    IMDSD_ASSIGN_OR_RETURN(UniqueFd fd, OpenListenSocket(endpoint));
    IMDSD_ASSIGN_OR_RETURN(net::Endpoint bound, LocalEndpoint(fd.get()));
    auto listener =
        std::make_unique<Listener>(server->handler_, *server->drain_, !endpoint.address.is_v4(),
                                   static_cast<std::size_t>(options.max_request_bytes));
    Status started = listener->Start(options, connection_limit, std::move(fd));
    if (!started.ok())
      return IoError("cannot serve " + endpoint.ToString() + ": " + started.message());
    server->listeners_.push_back(std::move(listener));
    server->bound_.push_back(bound);
  }
  return server;
}

void Server::Stop() {
  if (listeners_.empty()) return;
  for (auto& listener : listeners_) listener->Quiesce();
  drain_->WaitForIdle(kDrainTimeout);
  for (auto& listener : listeners_) listener->Close();
  listeners_.clear();
}

}  // namespace imdsd::http
