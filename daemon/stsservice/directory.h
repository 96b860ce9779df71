#pragma once
// Directory: the identities of one Config, indexed for the STS endpoint — accounts, IAM users by
// name and by access key id, roles by ARN, MFA devices by serial, OIDC providers by ARN and by
// issuer — with every policy document already parsed, so a request never parses a configured
// policy.
//
// Built once per Config (at start and on every reload) by Directory::Build(); the daemon swaps
// a std::shared_ptr<const Directory>, and a request keeps the snapshot it started with. The
// Directory keeps its Config alive (it points into it). Immutable after Build(), so every const
// method may be called from any number of threads.
//
// Lookups compare ARNs, access key ids and serials exactly, as IAM does; user and role names are
// unique per account regardless of case (the loader checked), so the name index folds case.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "crypto/digest.h"
#include "crypto/jwt.h"
#include "policy/authorize.h"
#include "policy/context.h"
#include "policy/policy.h"
#include "sts/identifiers.h"

namespace imdsd::stsservice {

// A configured policy, parsed, with the name explanations use for it.
struct ParsedPolicy {
  std::string name;  // "inline policy s3-read of user alice"
  policy::Policy policy;
};

struct UserEntry {
  const config::User* user = nullptr;
  sts::AccountId account_id;
  std::string arn;  // arn:PARTITION:iam::ACCOUNT:user/PATH/NAME
  std::vector<ParsedPolicy> policies;
  policy::Tags tags;
};

struct RoleEntry {
  const config::Role* role = nullptr;
  sts::AccountId account_id;
  std::string arn;  // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
  ParsedPolicy trust_policy;
  std::vector<ParsedPolicy> permission_policies;
  policy::Tags tags;
};

struct AccessKeyEntry {
  const config::AccessKey* key = nullptr;
  const UserEntry* user = nullptr;
};

struct MfaDeviceEntry {
  const config::MfaDevice* device = nullptr;
  const UserEntry* user = nullptr;  // the user the device is assigned to
};

struct OidcProviderEntry {
  const config::OidcProvider* provider = nullptr;
  sts::AccountId account_id;
  crypto::JwtKeySet keys;
};

class Directory {
 public:
  // Indexes `config`. kInvalidArgument naming the entry when something the loader should have
  // refused slipped through (a policy that does not parse, an account id that is not 12 digits,
  // an OIDC key that does not load): a reload then keeps the previous Directory.
  static Result<std::shared_ptr<const Directory>> Build(
      std::shared_ptr<const config::Config> config);

  // Only Build() can make the key, so only it constructs a Directory (through make_shared).
  class BuildKey {
    friend class Directory;
    BuildKey() = default;
  };
  Directory(BuildKey, std::shared_ptr<const config::Config> config);
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  const config::Config& config() const { return *config_; }
  const std::string& partition() const { return config_->partition; }

  // The user owning `access_key_id` (active or not: the caller decides), or nullptr.
  const AccessKeyEntry* FindAccessKey(std::string_view access_key_id) const;
  const UserEntry* FindUserByArn(std::string_view arn) const;
  const UserEntry* FindUser(sts::AccountId account, std::string_view name) const;
  const RoleEntry* FindRoleByArn(std::string_view arn) const;
  const MfaDeviceEntry* FindMfaDevice(std::string_view serial) const;
  const OidcProviderEntry* FindOidcProviderByArn(std::string_view arn) const;
  // The provider of `account` whose URL is exactly `issuer`, or nullptr.
  const OidcProviderEntry* FindOidcProviderByIssuer(sts::AccountId account,
                                                    std::string_view issuer) const;
  bool HasAccount(sts::AccountId account) const;

 private:
  std::shared_ptr<const config::Config> config_;
  // Entries live in vectors reserved once, so the pointers in the maps stay valid.
  std::vector<UserEntry> users_;
  std::vector<RoleEntry> roles_;
  std::vector<AccessKeyEntry> keys_;
  std::vector<MfaDeviceEntry> mfa_devices_;
  std::vector<OidcProviderEntry> oidc_providers_;
  std::vector<sts::AccountId> accounts_;

  std::unordered_map<std::string_view, const AccessKeyEntry*> keys_by_id_;
  std::unordered_map<std::string_view, const UserEntry*> users_by_arn_;
  std::map<std::string, const UserEntry*> users_by_name_;  // "ACCOUNT/lower-case name"
  std::unordered_map<std::string_view, const RoleEntry*> roles_by_arn_;
  std::unordered_map<std::string_view, const MfaDeviceEntry*> mfa_by_serial_;
  std::unordered_map<std::string_view, const OidcProviderEntry*> oidc_by_arn_;
};

// arn:PARTITION:iam::ACCOUNT:user/PATH/NAME (an empty path is "/").
std::string MakeUserArn(std::string_view partition, sts::AccountId account, std::string_view path,
                        std::string_view name);

}  // namespace imdsd::stsservice
