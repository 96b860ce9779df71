#include "sts/rotation.h"

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "crypto/key_file.h"

namespace imdsd::sts {
namespace {

constexpr std::string_view kStateHeader = "imdsd-credentials 1";

Status ValidateTenant(std::string_view tenant) {
  if (tenant.empty() || tenant.size() > 256) {
    return InvalidArgument("tenant key must be 1 to 256 bytes long");
  }
  for (char c : tenant) {
    // Control characters would break the one-line-per-tenant state file.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return InvalidArgument("tenant key may not contain control characters");
    }
  }
  return Status::Ok();
}

// The parts of a RoleSession that say whom a credential is for; the lifetime is excluded.
bool SameRole(const RoleSession& a, const RoleSession& b) {
  RoleSession b_with_a_lifetime = b;
  b_with_a_lifetime.lifetime = a.lifetime;
  return a == b_with_a_lifetime;
}

bool NeedsRefresh(const Credential& credential, const RotationPolicy& policy, WallTime now) {
  return credential.expires_at - now <= policy.refresh_lead;
}

bool Servable(const Credential& credential, const RotationPolicy& policy, WallTime now) {
  return credential.expires_at - now >= policy.refresh_lead;
}

}  // namespace

Status ValidateRotationPolicy(const RotationPolicy& policy) {
  const std::chrono::seconds min_lifetime =
      policy.allow_short_lifetimes ? std::chrono::seconds(1) : kMinCredentialLifetime;
  if (policy.lifetime < min_lifetime || policy.lifetime > kMaxCredentialLifetime) {
    return InvalidArgument("credential lifetime of " + std::to_string(policy.lifetime.count()) +
                           " s is outside " + std::to_string(min_lifetime.count()) + ".." +
                           std::to_string(kMaxCredentialLifetime.count()) + " s");
  }
  if (policy.refresh_lead <= std::chrono::seconds::zero() ||
      policy.refresh_lead >= policy.lifetime) {
    return InvalidArgument("credential refresh lead of " +
                           std::to_string(policy.refresh_lead.count()) +
                           " s must be positive and below the lifetime of " +
                           std::to_string(policy.lifetime.count()) + " s");
  }
  return Status::Ok();
}

CredentialStore::CredentialStore(const Clock& clock, const CredentialIssuer& issuer)
    : clock_(clock), issuer_(issuer) {}

Status CredentialStore::Assign(const std::string& tenant, const RoleSession& session,
                               const RotationPolicy& policy) {
  IMDSD_RETURN_IF_ERROR(ValidateTenant(tenant));
  IMDSD_RETURN_IF_ERROR(ValidateRotationPolicy(policy));
  RoleSession wanted = session;
  wanted.lifetime = policy.lifetime;
  if (wanted.role_path.empty()) wanted.role_path = "/";  // same role, same spelling
  IMDSD_RETURN_IF_ERROR(ValidateRoleSession(wanted));
  {
    std::scoped_lock lock(mutex_);
    auto it = entries_.find(tenant);
    if (it != entries_.end() && SameRole(it->second.session, wanted) &&
        it->second.credential->expires_at <= clock_.Now() + policy.lifetime) {
      it->second.session = std::move(wanted);
      it->second.policy = policy;
      return Status::Ok();
    }
  }
  Result<Credential> minted = issuer_.IssueRoleCredential(wanted);
  if (!minted.ok()) return minted.status();
  auto credential = std::make_shared<const Credential>(std::move(minted).value());
  std::scoped_lock lock(mutex_);
  entries_.insert_or_assign(tenant, Entry{std::move(wanted), policy, std::move(credential)});
  return Status::Ok();
}

void CredentialStore::Remove(std::string_view tenant) {
  std::scoped_lock lock(mutex_);
  auto it = entries_.find(tenant);
  if (it != entries_.end()) entries_.erase(it);
}

std::vector<std::string> CredentialStore::Tenants() const {
  std::scoped_lock lock(mutex_);
  std::vector<std::string> tenants;
  tenants.reserve(entries_.size());
  for (const auto& [tenant, entry] : entries_) tenants.push_back(tenant);
  std::sort(tenants.begin(), tenants.end());
  return tenants;
}

std::shared_ptr<const Credential> CredentialStore::Current(std::string_view tenant) {
  std::shared_ptr<const Credential> seen;
  std::optional<RoleSession> session;  // set only when a mint is needed: the common path is a copy
  const WallTime now = clock_.Now();
  {
    std::scoped_lock lock(mutex_);
    auto it = entries_.find(tenant);
    if (it == entries_.end()) return nullptr;
    seen = it->second.credential;
    if (Servable(*seen, it->second.policy, now)) return seen;
    session = it->second.session;
  }
  // Tick() is late for this tenant. Serving a credential closer to expiry than promised would
  // push clients into their own refresh windows (botocore: 15 and 10 minutes), so mint now.
  std::shared_ptr<const Credential> fresh = Mint(tenant, *session);
  if (fresh == nullptr) return seen;
  return InstallIfUnchanged(tenant, seen, std::move(fresh));
}

std::size_t CredentialStore::Tick() {
  struct Job {
    std::string tenant;
    RoleSession session;
    std::shared_ptr<const Credential> seen;
  };
  std::vector<Job> due;
  {
    std::scoped_lock lock(mutex_);
    const WallTime now = clock_.Now();
    for (const auto& [tenant, entry] : entries_) {
      if (NeedsRefresh(*entry.credential, entry.policy, now)) {
        due.push_back(Job{tenant, entry.session, entry.credential});
      }
    }
  }
  std::size_t replaced = 0;
  for (Job& job : due) {
    std::shared_ptr<const Credential> fresh = Mint(job.tenant, job.session);
    if (fresh == nullptr) continue;
    if (InstallIfUnchanged(job.tenant, job.seen, fresh) == fresh) ++replaced;
  }
  return replaced;
}

std::optional<WallTime> CredentialStore::NextDue() const {
  std::scoped_lock lock(mutex_);
  std::optional<WallTime> next;
  for (const auto& [tenant, entry] : entries_) {
    const WallTime due = entry.credential->expires_at - entry.policy.refresh_lead;
    if (!next.has_value() || due < *next) next = due;
  }
  return next;
}

Status CredentialStore::SaveTo(const std::filesystem::path& path) const {
  std::string text(kStateHeader);
  text.push_back('\n');
  {
    std::scoped_lock lock(mutex_);
    for (const auto& [tenant, entry] : entries_) {
      // Token first: it never contains a space, so the tenant may.
      text.append(entry.credential->session_token).append(" ").append(tenant).append("\n");
    }
  }
  return crypto::WriteFileAtomically(path, text, 0600);
}

Result<std::size_t> CredentialStore::LoadFrom(const std::filesystem::path& path) {
  IMDSD_ASSIGN_OR_RETURN(const std::string text, crypto::ReadSecretFile(path));
  const std::string where = path.string();

  // Parse and verify everything before touching the store, so a bad file changes nothing.
  struct Loaded {
    std::string tenant;
    RestoredCredential restored;
  };
  std::vector<Loaded> loaded;
  std::set<std::string, std::less<>> seen_tenants;
  std::string_view rest = text;
  bool header = true;
  int line_number = 0;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    if (end == std::string_view::npos) return DataCorrupt(where + " does not end with a newline");
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    ++line_number;
    const std::string at = where + ":" + std::to_string(line_number);
    if (header) {
      if (line != kStateHeader) return DataCorrupt(at + ": not an imdsd credentials file");
      header = false;
      continue;
    }
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos) return DataCorrupt(at + ": expected '<token> <tenant>'");
    const std::string tenant(line.substr(space + 1));
    if (!ValidateTenant(tenant).ok()) return DataCorrupt(at + ": bad tenant key");
    if (!seen_tenants.insert(tenant).second) return DataCorrupt(at + ": tenant appears twice");
    Result<RestoredCredential> restored = issuer_.Restore(line.substr(0, space));
    if (!restored.ok()) {
      return DataCorrupt(at + ": credential does not verify (" + restored.status().message() +
                         "; was the session key replaced?)");
    }
    loaded.push_back(Loaded{tenant, std::move(restored).value()});
  }
  if (header) return DataCorrupt(where + " is empty");

  std::size_t count = 0;
  std::scoped_lock lock(mutex_);
  const WallTime now = clock_.Now();
  for (Loaded& item : loaded) {
    auto it = entries_.find(item.tenant);
    if (it == entries_.end()) continue;
    Entry& entry = it->second;
    if (!ClaimsMatchSession(item.restored.claims, entry.session)) continue;
    if (NeedsRefresh(item.restored.credential, entry.policy, now)) continue;
    entry.credential = std::make_shared<const Credential>(std::move(item.restored.credential));
    ++count;
  }
  return count;
}

std::shared_ptr<const Credential> CredentialStore::Mint(std::string_view tenant,
                                                        const RoleSession& session) const {
  Result<Credential> minted = issuer_.IssueRoleCredential(session);
  if (!minted.ok()) {
    spdlog::error("cannot rotate credentials of tenant {}: {}", tenant, minted.status().ToString());
    return nullptr;
  }
  return std::make_shared<const Credential>(std::move(minted).value());
}

std::shared_ptr<const Credential> CredentialStore::InstallIfUnchanged(
    std::string_view tenant, const std::shared_ptr<const Credential>& seen,
    std::shared_ptr<const Credential> fresh) {
  std::scoped_lock lock(mutex_);
  auto it = entries_.find(tenant);
  if (it == entries_.end()) return nullptr;
  // Someone else (another reader, Tick() or Assign()) replaced it first: theirs wins and ours is
  // dropped unserved, so each rotation yields exactly one credential.
  if (it->second.credential != seen) return it->second.credential;
  it->second.credential = std::move(fresh);
  return it->second.credential;
}

}  // namespace imdsd::sts
