#include "common/net.h"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>

namespace imdsd::net {
namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool IsV4Mapped(const std::uint8_t* b) { return std::memcmp(b, kV4MappedPrefix.data(), 12) == 0; }

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  IpAddress out;
  if (inet_pton(AF_INET, s.c_str(), out.bytes_.data()) == 1) {
    out.family_ = Family::kV4;
    return out;
  }
  std::array<std::uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, s.c_str(), v6.data()) != 1) return std::nullopt;
  if (IsV4Mapped(v6.data())) {
    out.family_ = Family::kV4;
    std::memcpy(out.bytes_.data(), v6.data() + 12, 4);
  } else {
    out.family_ = Family::kV6;
    out.bytes_ = v6;
  }
  return out;
}

std::optional<IpAddress> IpAddress::FromSockaddr(const sockaddr* addr) {
  if (addr == nullptr) return std::nullopt;
  IpAddress out;
  if (addr->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, addr, sizeof(in));
    std::memcpy(out.bytes_.data(), &in.sin_addr, 4);
    return out;
  }
  if (addr->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, addr, sizeof(in6));
    const auto* b = reinterpret_cast<const std::uint8_t*>(&in6.sin6_addr);
    if (IsV4Mapped(b)) {
      std::memcpy(out.bytes_.data(), b + 12, 4);
    } else {
      out.family_ = Family::kV6;
      std::memcpy(out.bytes_.data(), b, 16);
    }
    return out;
  }
  return std::nullopt;
}

IpAddress IpAddress::V4(std::uint32_t host_order) {
  IpAddress out;
  out.bytes_[0] = static_cast<std::uint8_t>(host_order >> 24);
  out.bytes_[1] = static_cast<std::uint8_t>(host_order >> 16);
  out.bytes_[2] = static_cast<std::uint8_t>(host_order >> 8);
  out.bytes_[3] = static_cast<std::uint8_t>(host_order);
  return out;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof(buf));
  return buf;
}

std::optional<Cidr> Cidr::Parse(std::string_view text) {
  auto slash = text.find('/');
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  const int max_prefix = address->is_v4() ? 32 : 128;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || prefix < 0 ||
        prefix > max_prefix) {
      return std::nullopt;
    }
  }
  Cidr out;
  out.base_ = *address;
  out.prefix_length_ = prefix;
  // Refuse host bits below the prefix: "10.0.0.1/8" is almost always a typo.
  const auto& b = address->bytes();
  for (int bit = prefix; bit < max_prefix; ++bit) {
    if (b[bit / 8] & (0x80 >> (bit % 8))) return std::nullopt;
  }
  return out;
}

bool Cidr::Contains(const IpAddress& address) const {
  if (address.family() != base_.family()) return false;
  const auto& a = address.bytes();
  const auto& b = base_.bytes();
  int full = prefix_length_ / 8;
  if (std::memcmp(a.data(), b.data(), full) != 0) return false;
  int rest = prefix_length_ % 8;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

std::string Cidr::ToString() const {
  return base_.ToString() + "/" + std::to_string(prefix_length_);
}

std::optional<Endpoint> Endpoint::Parse(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // IPv6 needs brackets
  }
  auto address = IpAddress::Parse(host);
  if (!address) return std::nullopt;
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return std::nullopt;
  }
  return Endpoint{*address, static_cast<std::uint16_t>(value)};
}

std::string Endpoint::ToString() const {
  if (address.is_v4()) return address.ToString() + ":" + std::to_string(port);
  return "[" + address.ToString() + "]:" + std::to_string(port);
}

}  // namespace imdsd::net
