#include "iam/instance_credentials.h"

#include <algorithm>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "iam/documents.h"
#include "sts/identifiers.h"

namespace imdsd::iam {
namespace {

using imds::LookupResult;

constexpr std::string_view kIamListing = "info\nsecurity-credentials/";
constexpr std::string_view kCredentialsDir = "security-credentials";
constexpr std::string_view kExtendedCredentialsDir = "security-credentials-extended";

template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
  const auto it =
      std::find_if(items.begin(), items.end(), [name](const T& item) { return item.name == name; });
  return it == items.end() ? nullptr : &*it;
}

// "instance 'web' (imdsd.yaml:12): " for error messages.
std::string Where(const config::Config& config, const config::Instance& instance) {
  std::string where = "instance '" + instance.name + "'";
  if (instance.source_line > 0) {
    where += " (" + config.source_file.string() + ":" + std::to_string(instance.source_line) + ")";
  }
  return where + ": ";
}

Status Prefixed(const std::string& prefix, const Status& status) {
  return Status(status.code(), prefix + status.message());
}

Status ValidateInstanceProfileId(std::string_view id) {
  if (id.size() != sts::kUniqueIdLength || id.substr(0, 4) != sts::kInstanceProfileIdPrefix) {
    return InvalidArgument("instance profile ID '" + std::string(id) +
                           "' must be AIPA followed by 17 characters");
  }
  return Status::Ok();
}

Result<CredentialPlan::Tenant> PlanTenant(const config::Config& config,
                                          const config::Instance& instance) {
  const std::string where = Where(config, instance);
  const config::InstanceProfile* profile =
      FindByName(config.instance_profiles, instance.instance_profile);
  if (profile == nullptr) {
    return InvalidArgument(where + "instance profile '" + instance.instance_profile +
                           "' is not defined");
  }
  const config::Role* role = FindByName(config.roles, profile->role);
  if (role == nullptr) {
    return InvalidArgument(where + "role '" + profile->role + "' of instance profile '" +
                           profile->name + "' is not defined");
  }
  Result<sts::AccountId> role_account = sts::AccountId::Parse(role->account_id);
  if (!role_account.ok()) {
    return InvalidArgument(where + "account ID '" + role->account_id + "' of role '" + role->name +
                           "' is not 12 digits");
  }
  Result<sts::AccountId> profile_account = sts::AccountId::Parse(profile->account_id);
  if (!profile_account.ok()) {
    return InvalidArgument(where + "account ID '" + profile->account_id +
                           "' of instance profile '" + profile->name + "' is not 12 digits");
  }
  const std::string profile_where = where + "instance profile '" + profile->name + "': ";
  IMDSD_RETURN_IF_ERROR(Prefixed(profile_where, sts::ValidateIamName(profile->name)));
  IMDSD_RETURN_IF_ERROR(Prefixed(profile_where, sts::ValidateIamPath(profile->path)));
  IMDSD_RETURN_IF_ERROR(
      Prefixed(profile_where, ValidateInstanceProfileId(profile->instance_profile_id)));

  CredentialPlan::Tenant tenant;
  tenant.instance_id = instance.instance_id;
  tenant.instance_name = instance.name;
  tenant.profile_name = profile->name;
  tenant.instance_profile_arn = sts::MakeInstanceProfileArn(instance.partition, *profile_account,
                                                            profile->path, profile->name);
  tenant.instance_profile_id = profile->instance_profile_id;
  tenant.policy.lifetime = profile->credentials.lifetime;
  tenant.policy.refresh_lead = profile->credentials.refresh_lead;
  tenant.policy.allow_short_lifetimes = config.allow_short_credential_lifetimes;
  sts::RoleSession& session = tenant.session;
  session.account_id = *role_account;
  session.partition = instance.partition;
  session.role_name = role->name;
  session.role_path = role->path.empty() ? "/" : role->path;
  session.role_id = role->role_id;
  session.session_name = instance.instance_id;
  session.lifetime = tenant.policy.lifetime;
  session.kind = sts::SessionKind::kInstanceProfile;
  IMDSD_RETURN_IF_ERROR(
      Prefixed(where + "role '" + role->name + "': ", sts::ValidateRoleSession(session)));
  IMDSD_RETURN_IF_ERROR(
      Prefixed(profile_where + "credentials: ", sts::ValidateRotationPolicy(tenant.policy)));
  return tenant;
}

std::string AssociationOf(const CredentialPlan::Tenant& tenant) {
  return tenant.instance_profile_arn + "|" + tenant.instance_profile_id + "|" +
         sts::RoleArnOf(tenant.session) + "|" + tenant.session.role_id;
}

// Ids for snapshots, unique in the process, so a thread's reference can never be mistaken for
// another InstanceCredentials' snapshot (0 means "none").
std::uint64_t NextSnapshotId() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

// The role name in "arn:aws:iam::123456789012:role/path/name": role names cannot contain '/'.
std::string_view RoleNameOfArn(std::string_view role_arn) {
  const std::size_t slash = role_arn.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : role_arn.substr(slash + 1);
}

}  // namespace

Result<CredentialPlan> PlanInstanceCredentials(const config::Config& config) {
  CredentialPlan plan;
  plan.serve_extended = config.serve_extended_credentials;
  plan.allow_short_lifetimes = config.allow_short_credential_lifetimes;
  std::set<std::string, std::less<>> instance_ids;
  for (const config::Instance& instance : config.instances) {
    if (instance.instance_profile.empty()) continue;
    IMDSD_ASSIGN_OR_RETURN(CredentialPlan::Tenant tenant, PlanTenant(config, instance));
    if (!instance_ids.insert(tenant.instance_id).second) {
      return InvalidArgument(Where(config, instance) + "instance ID " + tenant.instance_id +
                             " is used by another instance with an instance profile");
    }
    plan.tenants.push_back(std::move(tenant));
  }
  return plan;
}

InstanceCredentials::InstanceCredentials(const Clock& clock, sts::CredentialStore& store)
    : clock_(clock),
      store_(store),
      snapshot_(std::make_shared<const Snapshot>()),
      snapshot_id_(NextSnapshotId()) {}

Status InstanceCredentials::Apply(const config::Config& config) {
  IMDSD_ASSIGN_OR_RETURN(CredentialPlan plan, PlanInstanceCredentials(config));
  Commit(std::move(plan));
  return Status::Ok();
}

void InstanceCredentials::Commit(CredentialPlan plan) {
  std::vector<std::pair<spdlog::level::level_enum, std::string>> log;  // once unlocked
  {
    std::scoped_lock commit_lock(commit_mutex_);
    const std::shared_ptr<const Snapshot> previous = CurrentSnapshot();
    auto next = std::make_shared<Snapshot>();
    next->serve_extended = plan.serve_extended;
    next->allow_short_lifetimes = plan.allow_short_lifetimes;
    const WallTime now = clock_.Now();
    for (const CredentialPlan::Tenant& tenant : plan.tenants) {
      TenantView view;
      view.association = AssociationOf(tenant);
      const auto old = previous->tenants.find(tenant.instance_id);
      const bool unchanged =
          old != previous->tenants.end() && old->second.association == view.association;
      view.associated_at = unchanged ? old->second.associated_at : now;
      view.info_document = IamInfoDocument(view.associated_at, tenant.instance_profile_arn,
                                           tenant.instance_profile_id);
      // Assign first, publish after: the credential and the role name served come from the
      // store, so the window in between only shows the previous iam/info.
      const Status assigned = store_.Assign(tenant.instance_id, tenant.session, tenant.policy);
      if (!assigned.ok()) {
        // Validated by PlanInstanceCredentials(); reaching this is a bug, not a bad config.
        log.emplace_back(spdlog::level::err,
                         "instance " + tenant.instance_name +
                             ": cannot assign credentials: " + assigned.ToString());
        continue;
      }
      if (!unchanged) {
        log.emplace_back(spdlog::level::info,
                         "instance " + tenant.instance_name + " (" + tenant.instance_id +
                             "): instance profile " + tenant.profile_name + ", credentials for " +
                             sts::RoleArnOf(tenant.session) +
                             (old == previous->tenants.end() ? " issued" : " switched"));
      }
      next->tenants.insert_or_assign(tenant.instance_id, std::move(view));
    }
    const bool turned_on_short = plan.allow_short_lifetimes && !previous->allow_short_lifetimes;
    Publish(next);
    // Removal after publishing: a removed tenant already answers 404 from the new snapshot.
    for (const std::string& tenant : store_.Tenants()) {
      if (next->tenants.count(tenant) == 0) {
        store_.Remove(tenant);
        log.emplace_back(
            spdlog::level::info,
            "instance " + tenant + ": no instance profile any more, credentials removed");
      }
    }
    if (turned_on_short) {
      log.emplace_back(spdlog::level::warn,
                       "credentials: allow_short_lifetimes is on: instance-profile credentials "
                       "may live less than the 15 minutes STS never goes below (testing only)");
    }
  }
  for (const auto& [level, line] : log) spdlog::log(level, "{}", line);
}

imds::LookupResult InstanceCredentials::Lookup(const imds::DynamicRequest& request,
                                               std::span<const std::string_view> segments) const {
  const Snapshot& snapshot = ThreadSnapshot();
  const auto it = snapshot.tenants.find(request.instance.instance_id);
  if (it == snapshot.tenants.end()) return {};
  if (segments.empty()) return {LookupResult::Kind::kListing, std::string(kIamListing)};
  if (segments[0] == "info") {
    if (segments.size() != 1) return {};
    return {LookupResult::Kind::kValue, it->second.info_document};
  }
  if (segments[0] == kCredentialsDir) {
    return LookupCredentials(it->first, segments.subspan(1), false);
  }
  if (segments[0] == kExtendedCredentialsDir && snapshot.serve_extended) {
    return LookupCredentials(it->first, segments.subspan(1), true);
  }
  return {};
}

imds::LookupResult InstanceCredentials::LookupCredentials(
    const std::string& instance_id, std::span<const std::string_view> segments,
    bool extended) const {
  if (segments.size() > 1) return {};
  const std::shared_ptr<const sts::Credential> credential = store_.Current(instance_id);
  if (credential == nullptr) return {};
  const std::string_view role = RoleNameOfArn(credential->role_arn);
  if (segments.empty()) return {LookupResult::Kind::kListing, std::string(role)};
  if (segments[0] != role) return {};
  return {LookupResult::Kind::kValue,
          RenderedCredentialDocument(
              credential, extended ? CredentialFormat::kExtended : CredentialFormat::kLegacy)};
}

std::shared_ptr<const InstanceCredentials::Snapshot> InstanceCredentials::CurrentSnapshot() const {
  std::scoped_lock lock(snapshot_mutex_);
  return snapshot_;
}

const InstanceCredentials::Snapshot& InstanceCredentials::ThreadSnapshot() const {
  struct ThreadReference {
    std::uint64_t id = 0;
    std::shared_ptr<const Snapshot> snapshot;
  };
  thread_local ThreadReference current;
  if (current.id != snapshot_id_.load(std::memory_order_acquire)) {
    std::scoped_lock lock(snapshot_mutex_);
    current.snapshot = snapshot_;
    current.id = snapshot_id_.load(std::memory_order_relaxed);
  }
  return *current.snapshot;
}

void InstanceCredentials::Publish(std::shared_ptr<const Snapshot> snapshot) {
  std::scoped_lock lock(snapshot_mutex_);
  snapshot_ = std::move(snapshot);
  snapshot_id_.store(NextSnapshotId(), std::memory_order_release);
}

}  // namespace imdsd::iam
