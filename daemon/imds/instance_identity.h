#pragma once
// InstanceIdentity: one instance's dynamic/instance-identity/ directory (document, pkcs7,
// rsa2048, signature), mounted into its MetadataTree.
//
// The document is built and signed on the first request that needs it, not when the State is
// built: signing costs about a millisecond and 5 KB per instance, and most instances of a large
// configuration are never asked. The result is kept for the life of the object, which the
// State owns, so a reload (a new State) signs afresh. Signing happens at most once per object:
// concurrent first requests wait for the one that signs. A failed signing keeps nothing, is
// logged, and answers kNotFound; the next request tries again.
//
// Borrows the instance and the signer, which must outlive it. Thread-safe.

#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "config/config.h"
#include "crypto/identity_signer.h"
#include "imds/dynamic_subtree.h"

namespace imdsd::imds {

class InstanceIdentity final : public DynamicSubtree {
 public:
  InstanceIdentity(const config::Instance& instance, const crypto::IdentitySigner& signer);
  ~InstanceIdentity() override;
  InstanceIdentity(const InstanceIdentity&) = delete;
  InstanceIdentity& operator=(const InstanceIdentity&) = delete;

  // Builds and signs the document now unless that is done. kInternal when signing fails; a
  // later call (or request) tries again.
  Status Prepare() const;

  // Empty segments: the listing "document\npkcs7\nrsa2048\nsignature"; one of those names: its
  // text; anything else kNotFound.
  LookupResult Lookup(const DynamicRequest& request,
                      std::span<const std::string_view> segments) const override;

 private:
  struct Signed {
    std::string document;
    crypto::IdentitySignatures signatures;
  };
  // The signed document, signing it first if needed; nullptr (and `error` set) on failure.
  const Signed* Get(Status* error) const;

  const config::Instance& instance_;
  const crypto::IdentitySigner& signer_;
  mutable std::mutex sign_mutex_;                // serializes signing
  mutable std::unique_ptr<const Signed> owned_;  // guarded by sign_mutex_; set once
  mutable std::atomic<const Signed*> signed_{};  // owned_.get() once set; read without the mutex
};

}  // namespace imdsd::imds
