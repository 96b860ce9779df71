#pragma once
// CredentialStore: the instance-profile credentials of every tenant (simulated instance), kept
// fresh on a schedule like EC2's: a credential lives `lifetime` (6 h) and is replaced once less
// than `refresh_lead` (5 h) of it remains, i.e. hourly, so a client is never handed a credential
// with less than the lead left. Replaced credentials stay valid until their own expiry (their
// session tokens still verify), so clients that cached one keep working.
//
// Scheduling: the daemon's timer calls Tick() at NextDue() (or at least every minute), tests call
// it directly after FakeClock::Advance(); nothing here sleeps or starts threads. Due times are
// wall-clock (Credential::expires_at is what clients compare against their own clock), so a
// wall-clock step is honoured at the next Tick() or Current().
//
// Keys: one entry per tenant (its instance ID); an entry holds the role session, the policy and
// the current credential. Owns the entries; borrows the clock and issuer, which must outlive it.
//
// Thread-safe. Readers (Current()) take a std::shared_ptr<const Credential> snapshot under a
// mutex held only for a map lookup and pointer copy; minting never happens under that mutex, so
// readers are never blocked by rotation. A snapshot is whole: a reader sees either the old or the
// new credential, never parts of both. Concurrent rotations of one tenant are resolved by
// installing a minted credential only if the one it replaces is still current.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "sts/credential.h"
#include "sts/credential_issuer.h"

namespace imdsd::sts {

struct RotationPolicy {
  std::chrono::seconds lifetime = std::chrono::hours(6);
  // Replace the credential when less than this is left; must be below `lifetime`.
  std::chrono::seconds refresh_lead = std::chrono::hours(5);
  // Testing switch: allows lifetimes under the 15 minutes STS itself never goes below.
  bool allow_short_lifetimes = false;

  friend bool operator==(const RotationPolicy&, const RotationPolicy&) = default;
};

inline constexpr std::chrono::seconds kMinCredentialLifetime = std::chrono::minutes(15);
// 36 hours, the longest any STS credential lives (GetSessionToken).
inline constexpr std::chrono::seconds kMaxCredentialLifetime = std::chrono::hours(36);

// kInvalidArgument when lifetime is outside [15 min (or 1 s with allow_short_lifetimes), 36 h],
// or refresh_lead is not in (0, lifetime).
Status ValidateRotationPolicy(const RotationPolicy& policy);

class CredentialStore {
 public:
  // Name of the file SaveTo()/LoadFrom() use in the state directory.
  static constexpr char kStateFile[] = "credentials.state";

  CredentialStore(const Clock& clock, const CredentialIssuer& issuer);
  CredentialStore(const CredentialStore&) = delete;
  CredentialStore& operator=(const CredentialStore&) = delete;

  // Gives `tenant` credentials for `session` under `policy` (session.lifetime is replaced by
  // policy.lifetime). A new tenant, or a tenant whose role, account, role ID, partition or
  // session name changes, gets a new credential at once; re-assigning the same role keeps the
  // current credential (only the policy is updated), so reloading an unchanged configuration
  // changes nothing, unless the current credential would outlive the new policy's lifetime
  // (expires later than now + lifetime): a shortened lifetime takes effect at once.
  // kInvalidArgument when `tenant` is empty, longer than 256 bytes or contains control characters,
  // or the policy or session is invalid; the store is then unchanged.
  Status Assign(const std::string& tenant, const RoleSession& session,
                const RotationPolicy& policy);

  // Forgets `tenant` (no-op when unknown). Snapshots already handed out stay valid.
  void Remove(std::string_view tenant);

  // Tenants currently assigned, sorted; for reconciling with a reloaded configuration.
  std::vector<std::string> Tenants() const;

  // The credential to serve to `tenant` now; nullptr when the tenant has none assigned.
  // Guarantee: the result has at least refresh_lead left. If the held credential has less (Tick()
  // ran late), a new one is minted synchronously for this tenant and returned instead. Never
  // waits for another tenant's rotation.
  std::shared_ptr<const Credential> Current(std::string_view tenant);

  // Replaces every credential that has refresh_lead or less left. Returns how many were replaced
  // (so the daemon knows to SaveTo()).
  std::size_t Tick();

  // When the next credential becomes due (wall time; may already be past); nullopt when empty.
  // The daemon sleeps min(NextDue() - clock.Now(), its own cap) on a monotonic timer and ticks.
  std::optional<WallTime> NextDue() const;

  // Writes the current credentials to `path` (mode 0600, atomically) so a restart keeps them and
  // clients see no change. Only the session tokens are written: they are encrypted and carry the
  // rest. kIoError when the file cannot be written.
  Status SaveTo(const std::filesystem::path& path) const;

  // Restores credentials written by SaveTo() into already-assigned tenants, replacing what
  // Assign() minted. Entries are skipped when their tenant is not assigned, their role session
  // no longer matches the tenant's, or they have refresh_lead or less left. Returns how many were
  // restored. Errors, on which the store is unchanged and the daemon should log and carry on:
  // kNotFound (no file), kPermissionDenied (file readable by others), kIoError, kDataCorrupt
  // (bad format, or a token that does not verify, e.g. after the session key was replaced).
  Result<std::size_t> LoadFrom(const std::filesystem::path& path);

 private:
  struct Entry {
    RoleSession session;
    RotationPolicy policy;
    std::shared_ptr<const Credential> credential;
  };

  // Mints for `session`; logs and returns nullptr in the (validated-away) case it fails.
  std::shared_ptr<const Credential> Mint(std::string_view tenant, const RoleSession& session) const;
  // Installs `fresh` for `tenant` if `seen` is still its credential; returns what is current
  // afterwards (nullptr when the tenant was removed meanwhile).
  std::shared_ptr<const Credential> InstallIfUnchanged(
      std::string_view tenant, const std::shared_ptr<const Credential>& seen,
      std::shared_ptr<const Credential> fresh);

  const Clock& clock_;
  const CredentialIssuer& issuer_;

  // Lets entries_ be searched with a string_view without building a std::string.
  struct TenantHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view tenant) const {
      return std::hash<std::string_view>{}(tenant);
    }
  };

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry, TenantHash, std::equal_to<>>
      entries_;  // guarded by mutex_
};

}  // namespace imdsd::sts
