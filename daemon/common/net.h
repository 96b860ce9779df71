#pragma once
// IP addresses, CIDR blocks and listen endpoints as plain values. Thread-safe (immutable values).
//
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, as a dual-stack socket reports IPv4 peers) are
// normalised to IPv4 on parse and on FromSockaddr, so an IPv4 CIDR matches them.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace imdsd::net {

class IpAddress {
 public:
  enum class Family { kV4, kV6 };

  IpAddress() = default;
  static std::optional<IpAddress> Parse(std::string_view text);
  // From a struct sockaddr_in / sockaddr_in6; nullopt for other families.
  static std::optional<IpAddress> FromSockaddr(const sockaddr* addr);
  static IpAddress V4(std::uint32_t host_order);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kV4; }
  // 4 significant bytes for IPv4, 16 for IPv6; network order.
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  std::string ToString() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::kV4;
  std::array<std::uint8_t, 16> bytes_{};
};

class Cidr {
 public:
  // "10.0.0.0/8", "fd00::/8", or a bare address (a /32 or /128). nullopt when malformed, when
  // the prefix is out of range, or when host bits are set below the prefix.
  static std::optional<Cidr> Parse(std::string_view text);

  bool Contains(const IpAddress& address) const;
  const IpAddress& base() const { return base_; }
  int prefix_length() const { return prefix_length_; }
  std::string ToString() const;

 private:
  IpAddress base_;
  int prefix_length_ = 0;
};

// A listen address: "127.0.0.1:8169", "[::1]:8169", "0.0.0.0:80". Port 0 asks the OS for one.
struct Endpoint {
  IpAddress address;
  std::uint16_t port = 0;

  static std::optional<Endpoint> Parse(std::string_view text);
  std::string ToString() const;  // IPv6 in brackets
};

}  // namespace imdsd::net
