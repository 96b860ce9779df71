#include "app/sd_notify.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace imdsd::app {

std::optional<UnixAddress> NotifySocketAddress(std::string_view value) {
  if (value.size() < 2 || (value.front() != '/' && value.front() != '@')) return std::nullopt;
  UnixAddress out;
  out.address.sun_family = AF_UNIX;
  // A path needs room for its NUL; an abstract name's leading NUL replaces the '@'.
  if (value.size() + (value.front() == '/' ? 1 : 0) > sizeof(out.address.sun_path)) {
    return std::nullopt;
  }
  std::memcpy(out.address.sun_path, value.data(), value.size());
  if (value.front() == '@') out.address.sun_path[0] = '\0';
  out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + value.size());
  return out;
}

SystemdNotifier SystemdNotifier::FromEnvironment() {
  const char* value = std::getenv("NOTIFY_SOCKET");
  if (value == nullptr) return SystemdNotifier(std::nullopt);
  auto address = NotifySocketAddress(value);
  if (!address) spdlog::warn("ignoring NOTIFY_SOCKET: not a socket path or @name");
  return SystemdNotifier(address);
}

void SystemdNotifier::Notify(std::string_view state) const {
  if (!address_) return;
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    spdlog::debug("sd_notify: socket: {}", std::generic_category().message(errno));
    return;
  }
  const ssize_t sent =
      ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&address_->address), address_->length);
  if (sent < 0) spdlog::debug("sd_notify: sendto: {}", std::generic_category().message(errno));
  ::close(fd);
}

}  // namespace imdsd::app
