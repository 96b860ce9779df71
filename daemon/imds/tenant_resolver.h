#pragma once
// TenantResolver: which simulated instance a request's source address belongs to.
//
// The first instance, in config order, with a `match` CIDR containing the address wins; when
// none does, the config's default_instance (if set) answers; otherwise nobody does. Shares
// ownership of the Config so the returned pointers stay valid as long as the resolver lives.
// Immutable after construction, hence thread-safe.

#include <cstddef>
#include <memory>
#include <optional>

#include "common/net.h"
#include "config/config.h"

namespace imdsd::imds {

class TenantResolver {
 public:
  explicit TenantResolver(std::shared_ptr<const config::Config> config);

  // Index into config().instances, or nullopt when no instance answers `source`.
  std::optional<std::size_t> ResolveIndex(const net::IpAddress& source) const;
  // The instance answering `source`, or nullptr.
  const config::Instance* Resolve(const net::IpAddress& source) const;

  const config::Config& config() const { return *config_; }

 private:
  std::shared_ptr<const config::Config> config_;
};

}  // namespace imdsd::imds
