#include "imds/imds_service.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "crypto/key_file.h"
#include "imds/instance_identity.h"
#include "imds/instance_tree.h"
#include "imds/metadata_tree.h"
#include "imds/request_path.h"
#include "imds/tenant_resolver.h"
#include "imds/token_codec.h"

namespace imdsd::imds {

struct ImdsService::State {
  TenantResolver resolver;
  // Parallel to resolver.config().instances; each tree borrows its instance's identity.
  std::vector<std::unique_ptr<InstanceIdentity>> identities;
  std::vector<MetadataTree> trees;
  std::unique_ptr<TokenCodec> tokens;
};

namespace {

constexpr int kMaxTokenTtlSeconds = 21600;
constexpr std::string_view kTokenKeyFile = "token.key";

ImdsReply Refuse(ImdsReply reply, Outcome outcome, std::string reason) {
  reply.outcome = outcome;
  reply.refusal_reason = std::move(reason);
  return reply;
}

// Only plain decimal digits, 1..21600: no sign, no spaces. Leading zeros are accepted.
std::optional<int> ParseTokenTtl(std::optional<std::string_view> header) {
  if (!header || header->empty()) return std::nullopt;
  int value = 0;
  for (const char c : *header) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > kMaxTokenTtlSeconds) return std::nullopt;  // also stops overflow
  }
  if (value < 1) return std::nullopt;
  return value;
}

// Ids for States, unique in the process (0 means "none").
std::uint64_t NextStateId() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

const net::IpAddress& Ec2Ipv6Endpoint() {
  static const net::IpAddress address = *net::IpAddress::Parse("fd00:ec2::254");
  return address;
}

bool IsTokenResource(const RequestPath& path) {
  return path.segments.size() == 3 && path.segments[1] == "api" && path.segments[2] == "token";
}

}  // namespace

ImdsService::ImdsService(PrivateTag, const Clock& clock, RandomSource& random,
                         const crypto::IdentitySigner& signer, MetadataProviders providers)
    : clock_(clock), random_(random), signer_(signer), providers_(providers) {}

ImdsService::~ImdsService() = default;

Result<std::unique_ptr<ImdsService>> ImdsService::Create(
    std::shared_ptr<const config::Config> config, const Clock& clock, RandomSource& random,
    const crypto::IdentitySigner& signer, MetadataProviders providers) {
  auto service = std::make_unique<ImdsService>(PrivateTag(), clock, random, signer, providers);
  IMDSD_RETURN_IF_ERROR(service->Reload(std::move(config)));
  return service;
}

Status ImdsService::Reload(std::shared_ptr<const config::Config> config) {
  IMDSD_ASSIGN_OR_RETURN(auto state, BuildState(std::move(config)));
  std::scoped_lock lock(state_mutex_);
  state_ = std::move(state);
  state_id_.store(NextStateId(), std::memory_order_release);
  return Status::Ok();
}

Result<std::shared_ptr<const ImdsService::State>> ImdsService::BuildState(
    std::shared_ptr<const config::Config> config) const {
  if (config == nullptr) return InvalidArgument("no configuration");
  if (config->default_instance && *config->default_instance >= config->instances.size()) {
    return InvalidArgument("default_instance does not name an instance");
  }

  IMDSD_RETURN_IF_ERROR(crypto::EnsureStateDir(config->state_dir));
  IMDSD_ASSIGN_OR_RETURN(const crypto::Bytes key_bytes,
                         crypto::LoadOrCreateRandomKey(config->state_dir / kTokenKeyFile,
                                                       TokenCodec::kKeySize, random_));
  if (key_bytes.size() != TokenCodec::kKeySize) return DataCorrupt("token key has the wrong size");
  std::array<std::uint8_t, TokenCodec::kKeySize> key{};
  std::copy(key_bytes.begin(), key_bytes.end(), key.begin());

  const InstanceTreeInputs inputs{clock_.Now(), providers_};
  std::vector<std::unique_ptr<InstanceIdentity>> identities;
  std::vector<MetadataTree> trees;
  identities.reserve(config->instances.size());
  trees.reserve(config->instances.size());
  for (const auto& instance : config->instances) {
    const auto& identity =
        *identities.emplace_back(std::make_unique<InstanceIdentity>(instance, signer_));
    IMDSD_ASSIGN_OR_RETURN(auto tree, BuildInstanceTree(instance, inputs, identity));
    trees.push_back(std::move(tree));
  }
  // Identities are signed on first request; signing one now makes a signer that cannot sign
  // fail the reload instead of every identity request afterwards.
  if (!identities.empty()) IMDSD_RETURN_IF_ERROR(identities.front()->Prepare());

  return std::shared_ptr<const State>(std::make_shared<State>(
      State{TenantResolver(std::move(config)), std::move(identities), std::move(trees),
            std::make_unique<TokenCodec>(key, clock_, random_)}));
}

const ImdsService::State& ImdsService::CurrentState() const {
  // Keyed by state id alone: ids are unique across all services, so a match is this service's
  // current State, and a service built where a destroyed one was never sees the old State.
  struct ThreadState {
    std::uint64_t id = 0;
    std::shared_ptr<const State> state;
  };
  thread_local ThreadState current;
  if (current.id != state_id_.load(std::memory_order_acquire)) {
    std::scoped_lock lock(state_mutex_);
    current.state = state_;
    current.id = state_id_.load(std::memory_order_relaxed);
  }
  return *current.state;
}

ImdsReply ImdsService::Handle(const ImdsRequest& request) const {
  const State& state = CurrentState();
  ImdsReply reply;

  const auto index = state.resolver.ResolveIndex(request.source);
  if (!index) {
    return Refuse(std::move(reply), Outcome::kForbidden,
                  "no instance matches source " + request.source.ToString());
  }
  const config::Instance& instance = state.resolver.config().instances[*index];
  reply.tenant = instance.name;

  if (!instance.metadata_options.http_endpoint_enabled) {
    return Refuse(std::move(reply), Outcome::kForbidden, "http endpoint disabled");
  }
  if (request.local == Ec2Ipv6Endpoint() && !instance.metadata_options.http_protocol_ipv6) {
    return Refuse(std::move(reply), Outcome::kForbidden, "IPv6 endpoint disabled");
  }
  if (request.has_forwarded_for) {
    return Refuse(std::move(reply), Outcome::kForbidden, "X-Forwarded-For header present");
  }

  const RequestPath path = ParseRequestPath(request.path);
  if (path.has_dot_segment) {
    return Refuse(std::move(reply), Outcome::kNotFound, "'.' or '..' path segment");
  }

  const bool token_resource = IsTokenResource(path);
  if (token_resource && path.segments[0] == "latest") {
    if (request.method != "PUT") {
      return Refuse(std::move(reply), Outcome::kMethodNotAllowed, "token path only accepts PUT");
    }
    if (path.trailing_slash) {
      return Refuse(std::move(reply), Outcome::kForbidden, "token PUT with a trailing slash");
    }
    const auto ttl = ParseTokenTtl(request.token_ttl);
    if (!ttl) {
      return Refuse(std::move(reply), Outcome::kBadRequest,
                    "missing or invalid X-aws-ec2-metadata-token-ttl-seconds");
    }
    reply.outcome = Outcome::kToken;
    reply.body = state.tokens->Issue(instance.instance_id, *ttl);
    reply.token_ttl_seconds = *ttl;
    reply.hop_limit = instance.metadata_options.http_put_response_hop_limit;
    return reply;
  }
  if (request.method == "PUT") {
    if (token_resource && IsMetadataVersion(path.segments[0])) {
      return Refuse(std::move(reply), Outcome::kForbidden, "token PUT on a dated version");
    }
    return Refuse(std::move(reply), Outcome::kMethodNotAllowed, "PUT outside the token path");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return Refuse(std::move(reply), Outcome::kMethodNotAllowed,
                  "method " + std::string(request.method) + " not allowed");
  }

  bool token_verified = false;
  if (request.token) {
    auto remaining = state.tokens->Verify(*request.token, instance.instance_id);
    if (!remaining.ok()) {
      return Refuse(std::move(reply), Outcome::kUnauthorized,
                    "invalid or expired token: " + remaining.status().message());
    }
    reply.token_ttl_seconds = *remaining;
    token_verified = true;
  } else if (instance.metadata_options.http_tokens == config::HttpTokens::kRequired) {
    return Refuse(std::move(reply), Outcome::kUnauthorized, "token required (http_tokens)");
  }

  if (path.segments.empty()) {
    reply.outcome = Outcome::kData;
    reply.body = VersionListing();
    return reply;
  }
  if (!IsMetadataVersion(path.segments[0])) {
    return Refuse(std::move(reply), Outcome::kNotFound, "unknown metadata version");
  }
  const auto tree_path = std::span<const std::string_view>(path.segments).subspan(1);
  LookupResult found =
      state.trees[*index].Lookup(tree_path, DynamicRequest{instance, token_verified});
  if (found.kind == LookupResult::Kind::kNotFound) {
    return Refuse(std::move(reply), Outcome::kNotFound, "no such metadata path");
  }
  reply.outcome = Outcome::kData;
  reply.body = std::move(found.body);
  return reply;
}

}  // namespace imdsd::imds
