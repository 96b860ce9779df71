#include "stsservice/directory.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "policy/parser.h"

namespace imdsd::stsservice {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string NameKey(sts::AccountId account, std::string_view name) {
  return account.ToString() + "/" + Lower(name);
}

Result<sts::AccountId> ParseAccount(std::string_view id, std::string_view what) {
  Result<sts::AccountId> account = sts::AccountId::Parse(id);
  if (!account.ok()) {
    return InvalidArgument(std::string(what) + ": account id '" + std::string(id) +
                           "' is not 12 digits");
  }
  return account;
}

Result<ParsedPolicy> Parse(const config::PolicyDocument& document, policy::PolicyKind kind,
                           std::string name) {
  Result<policy::Policy> parsed = policy::ParsePolicy(document.json, kind);
  if (!parsed.ok()) {
    return InvalidArgument(name + " (line " + std::to_string(document.source_line) +
                           "): " + parsed.status().message());
  }
  return ParsedPolicy{std::move(name), std::move(parsed).value()};
}

policy::Tags TagsOf(const config::IamTags& tags) { return policy::Tags(tags.begin(), tags.end()); }

template <typename Map, typename Key>
auto FindIn(const Map& map, const Key& key) -> decltype(map.begin()->second) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second;
}

}  // namespace

std::string MakeUserArn(std::string_view partition, sts::AccountId account, std::string_view path,
                        std::string_view name) {
  std::string arn = "arn:";
  arn += partition;
  arn += ":iam::";
  arn += account.ToString();
  arn += ":user";
  arn += path.empty() ? std::string_view("/") : path;
  arn += name;
  return arn;
}

Directory::Directory(BuildKey /*key*/, std::shared_ptr<const config::Config> config)
    : config_(std::move(config)) {}

Result<std::shared_ptr<const Directory>> Directory::Build(
    std::shared_ptr<const config::Config> config) {
  if (config == nullptr) return InvalidArgument("no configuration");
  auto dir = std::make_shared<Directory>(BuildKey(), std::move(config));
  const config::Config& cfg = *dir->config_;

  for (const config::Account& account : cfg.accounts) {
    IMDSD_ASSIGN_OR_RETURN(sts::AccountId id, ParseAccount(account.id, "account"));
    dir->accounts_.push_back(id);
  }

  dir->users_.reserve(cfg.users.size());
  std::size_t key_count = 0;
  for (const config::User& user : cfg.users) {
    UserEntry entry;
    entry.user = &user;
    IMDSD_ASSIGN_OR_RETURN(entry.account_id, ParseAccount(user.account_id, "user " + user.name));
    // The loader derives the ARN; configs built in code may leave it empty.
    entry.arn = !user.arn.empty()
                    ? user.arn
                    : MakeUserArn(cfg.partition, entry.account_id, user.path, user.name);
    for (const config::NamedPolicy& named : user.policies) {
      IMDSD_ASSIGN_OR_RETURN(ParsedPolicy parsed,
                             Parse(named.document, policy::PolicyKind::kIdentity,
                                   "inline policy " + named.name + " of user " + user.name));
      entry.policies.push_back(std::move(parsed));
    }
    entry.tags = TagsOf(user.tags);
    key_count += user.access_keys.size();
    dir->users_.push_back(std::move(entry));
  }
  dir->keys_.reserve(key_count);
  for (const UserEntry& entry : dir->users_) {
    dir->users_by_arn_.emplace(entry.arn, &entry);
    dir->users_by_name_.emplace(NameKey(entry.account_id, entry.user->name), &entry);
    for (const config::AccessKey& key : entry.user->access_keys) {
      dir->keys_.push_back(AccessKeyEntry{&key, &entry});
      dir->keys_by_id_.emplace(key.id, &dir->keys_.back());
    }
  }

  dir->roles_.reserve(cfg.roles.size());
  for (const config::Role& role : cfg.roles) {
    RoleEntry entry;
    entry.role = &role;
    IMDSD_ASSIGN_OR_RETURN(entry.account_id, ParseAccount(role.account_id, "role " + role.name));
    entry.arn = !role.arn.empty()
                    ? role.arn
                    : sts::MakeRoleArn(cfg.partition, entry.account_id, role.path, role.name);
    IMDSD_ASSIGN_OR_RETURN(entry.trust_policy, Parse(role.trust_policy, policy::PolicyKind::kTrust,
                                                     "trust policy of role " + entry.arn));
    for (const config::NamedPolicy& named : role.permission_policies) {
      IMDSD_ASSIGN_OR_RETURN(ParsedPolicy parsed,
                             Parse(named.document, policy::PolicyKind::kIdentity,
                                   "permission policy " + named.name + " of role " + role.name));
      entry.permission_policies.push_back(std::move(parsed));
    }
    entry.tags = TagsOf(role.tags);
    dir->roles_.push_back(std::move(entry));
  }
  for (const RoleEntry& entry : dir->roles_) dir->roles_by_arn_.emplace(entry.arn, &entry);

  dir->mfa_devices_.reserve(cfg.mfa_devices.size());
  for (const config::MfaDevice& device : cfg.mfa_devices) {
    IMDSD_ASSIGN_OR_RETURN(sts::AccountId account,
                           ParseAccount(device.account_id, "MFA device " + device.serial));
    dir->mfa_devices_.push_back(MfaDeviceEntry{&device, dir->FindUser(account, device.user)});
  }
  for (const MfaDeviceEntry& entry : dir->mfa_devices_) {
    dir->mfa_by_serial_.emplace(entry.device->serial, &entry);
  }

  dir->oidc_providers_.reserve(cfg.oidc_providers.size());
  for (const config::OidcProvider& provider : cfg.oidc_providers) {
    IMDSD_ASSIGN_OR_RETURN(sts::AccountId account,
                           ParseAccount(provider.account_id, "OIDC provider " + provider.url));
    Result<crypto::JwtKeySet> keys = crypto::JwtKeySet::Parse(provider.key_text);
    if (!keys.ok()) {
      return InvalidArgument("OIDC provider " + provider.url + " (" + provider.key_file.string() +
                             "): " + keys.status().message());
    }
    dir->oidc_providers_.push_back(OidcProviderEntry{&provider, account, std::move(keys).value()});
  }
  for (const OidcProviderEntry& entry : dir->oidc_providers_) {
    dir->oidc_by_arn_.emplace(entry.provider->arn, &entry);
  }
  return std::shared_ptr<const Directory>(std::move(dir));
}

const AccessKeyEntry* Directory::FindAccessKey(std::string_view access_key_id) const {
  return FindIn(keys_by_id_, access_key_id);
}

const UserEntry* Directory::FindUserByArn(std::string_view arn) const {
  return FindIn(users_by_arn_, arn);
}

const UserEntry* Directory::FindUser(sts::AccountId account, std::string_view name) const {
  return FindIn(users_by_name_, NameKey(account, name));
}

const RoleEntry* Directory::FindRoleByArn(std::string_view arn) const {
  return FindIn(roles_by_arn_, arn);
}

const MfaDeviceEntry* Directory::FindMfaDevice(std::string_view serial) const {
  return FindIn(mfa_by_serial_, serial);
}

const OidcProviderEntry* Directory::FindOidcProviderByArn(std::string_view arn) const {
  return FindIn(oidc_by_arn_, arn);
}

const OidcProviderEntry* Directory::FindOidcProviderByIssuer(sts::AccountId account,
                                                             std::string_view issuer) const {
  for (const OidcProviderEntry& entry : oidc_providers_) {
    if (entry.account_id == account && entry.provider->url == issuer) return &entry;
  }
  return nullptr;
}

bool Directory::HasAccount(sts::AccountId account) const {
  return std::find(accounts_.begin(), accounts_.end(), account) != accounts_.end();
}

}  // namespace imdsd::stsservice
