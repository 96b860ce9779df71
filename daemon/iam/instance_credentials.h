#pragma once
// InstanceCredentials: instance profiles for the simulated instances. It keeps the
// CredentialStore in step with the configuration (one tenant per instance with a profile, keyed
// by instance ID) and answers EC2's meta-data/iam/ category for them as a DynamicSubtree:
//   iam/                                      "info\nsecurity-credentials/"
//   iam/info                                  IamInfoDocument (iam/documents.h)
//   iam/security-credentials/                 the role name
//   iam/security-credentials/<role>           CredentialDocument, legacy format
//   iam/security-credentials-extended/[role]  the same with AccountId; 404 when
//                                             Config::serve_extended_credentials is off
// Anything else below iam/, another role name included, is kNotFound; so is all of iam/ for an
// instance without a profile (ImdsService does not even mount it there).
//
// Reconciling is split in two so the daemon can validate a reload completely before anything
// changes: PlanInstanceCredentials() checks a Config and fails without side effects; Commit()
// carries a plan out and cannot fail. Apply() does both.
//
// What a client sees always comes from one CredentialStore::Current() snapshot: the role name in
// the listing and the document are taken from that credential's role ARN, so a reload that
// switches the role never shows one role's name with another role's keys. iam/info comes from
// this object's own snapshot, rebuilt by Commit(); its LastUpdated is the time the instance's
// profile association (profile ARN, profile ID or role) last changed: the first Commit() that
// saw it, or the reload that changed it.
//
// Borrows the clock and the store, which must outlive it. Thread-safe: Lookup() runs on many
// threads at once; each thread keeps its own reference to the current snapshot and takes the
// mutex only after a Commit() published a new one (plus CredentialStore::Current(), which never
// waits for a rotation); Commit() calls are serialized among themselves.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "imds/dynamic_subtree.h"
#include "sts/credential_issuer.h"
#include "sts/rotation.h"

namespace imdsd::iam {

// What a Config asks of the credential store, validated. A plain value.
struct CredentialPlan {
  struct Tenant {
    std::string instance_id;    // the store's tenant key and the role session name
    std::string instance_name;  // for log lines
    std::string profile_name;
    std::string instance_profile_arn;
    std::string instance_profile_id;
    sts::RoleSession session;
    sts::RotationPolicy policy;
  };
  std::vector<Tenant> tenants;  // in the Config's instance order
  bool serve_extended = true;
  bool allow_short_lifetimes = false;
};

// The plan for `config`: every instance with a non-empty instance_profile becomes a tenant with
// RoleSession{role account, instance partition, role name, path and ID, session name = instance
// ID, kInstanceProfile} and the profile's credential options (plus
// allow_short_credential_lifetimes). kInvalidArgument naming the instance (and its line) when
// its profile or the profile's role is not defined, an account ID, partition, name, path or ID
// is malformed, the rotation policy is invalid (sts::ValidateRotationPolicy), or two instances
// with profiles share an instance ID.
Result<CredentialPlan> PlanInstanceCredentials(const config::Config& config);

class InstanceCredentials final : public imds::DynamicSubtree {
 public:
  InstanceCredentials(const Clock& clock, sts::CredentialStore& store);
  InstanceCredentials(const InstanceCredentials&) = delete;
  InstanceCredentials& operator=(const InstanceCredentials&) = delete;

  // PlanInstanceCredentials() then Commit(). On error nothing has changed: not the store, not
  // what Lookup() answers.
  Status Apply(const config::Config& config);

  // Makes the store and the iam/ answers match `plan`: tenants that are new or whose role
  // changed get a new credential at once (CredentialStore::Assign), unchanged tenants keep
  // theirs and their LastUpdated times, tenants that are no longer planned are removed. Logs
  // each change (never a secret), and a warning when short credential lifetimes become allowed.
  void Commit(CredentialPlan plan);

  imds::LookupResult Lookup(const imds::DynamicRequest& request,
                            std::span<const std::string_view> segments) const override;

 private:
  // What iam/ shows of one tenant apart from its credential.
  struct TenantView {
    std::string association;  // profile ARN, profile ID and role ARN/ID: a change is a new one
    WallTime associated_at{};
    std::string info_document;
  };
  struct Snapshot {
    std::unordered_map<std::string, TenantView> tenants;  // by instance ID
    bool serve_extended = true;
    bool allow_short_lifetimes = false;
  };

  imds::LookupResult LookupCredentials(const std::string& instance_id,
                                       std::span<const std::string_view> segments,
                                       bool extended) const;
  std::shared_ptr<const Snapshot> CurrentSnapshot() const;
  // The current snapshot through this thread's own reference: the request path shares no
  // mutex and no reference count with other threads. Valid until this thread calls it again.
  const Snapshot& ThreadSnapshot() const;
  void Publish(std::shared_ptr<const Snapshot> snapshot);

  const Clock& clock_;
  sts::CredentialStore& store_;

  std::mutex commit_mutex_;  // serializes Commit(); held while calling into the store

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const Snapshot> snapshot_;  // guarded by snapshot_mutex_; never null
  // Unique in the process (0: none), changed by every Publish(); tells threads their reference
  // is stale.
  std::atomic<std::uint64_t> snapshot_id_{0};
};

}  // namespace imdsd::iam
