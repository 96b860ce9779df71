#pragma once
// SystemdNotifier: tells systemd about start-up, reloads and shutdown of a Type=notify service,
// the way sd_notify(3) does, without linking libsystemd: one datagram per message to the
// AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace).
//
// When $NOTIFY_SOCKET is unset (not started by systemd) every Notify() does nothing. Thread-safe
// (sendto on a per-call socket).

#include <optional>
#include <string_view>
#include <sys/socket.h>
#include <sys/un.h>

namespace imdsd::app {

struct UnixAddress {
  sockaddr_un address{};
  socklen_t length = 0;  // bytes of `address` that count (abstract names are not NUL-ended)
};

// The address for a $NOTIFY_SOCKET value; nullopt when it is neither an absolute path nor an
// "@" name, or too long for sockaddr_un.
std::optional<UnixAddress> NotifySocketAddress(std::string_view value);

class SystemdNotifier {
 public:
  // From $NOTIFY_SOCKET; disabled when unset or invalid.
  static SystemdNotifier FromEnvironment();
  explicit SystemdNotifier(std::optional<UnixAddress> address) : address_(address) {}

  bool enabled() const { return address_.has_value(); }
  // Sends `state` ("READY=1", "RELOADING=1\nMONOTONIC_USEC=...", "STOPPING=1"). A failure is
  // logged at debug and otherwise ignored: the service manager going away must not stop the
  // daemon.
  void Notify(std::string_view state) const;

 private:
  std::optional<UnixAddress> address_;
};

}  // namespace imdsd::app
