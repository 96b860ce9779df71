#include "imds/tenant_resolver.h"

#include <utility>

namespace imdsd::imds {

TenantResolver::TenantResolver(std::shared_ptr<const config::Config> config)
    : config_(std::move(config)) {}

std::optional<std::size_t> TenantResolver::ResolveIndex(const net::IpAddress& source) const {
  const auto& instances = config_->instances;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    for (const auto& cidr : instances[i].match) {
      if (cidr.Contains(source)) return i;
    }
  }
  if (config_->default_instance && *config_->default_instance < instances.size()) {
    return config_->default_instance;
  }
  return std::nullopt;
}

const config::Instance* TenantResolver::Resolve(const net::IpAddress& source) const {
  const auto index = ResolveIndex(source);
  return index ? &config_->instances[*index] : nullptr;
}

}  // namespace imdsd::imds
