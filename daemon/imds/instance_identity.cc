#include "imds/instance_identity.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "imds/identity_document.h"

namespace imdsd::imds {
namespace {

constexpr std::string_view kListing = "document\npkcs7\nrsa2048\nsignature";

}  // namespace

InstanceIdentity::InstanceIdentity(const config::Instance& instance,
                                   const crypto::IdentitySigner& signer)
    : instance_(instance), signer_(signer) {}

InstanceIdentity::~InstanceIdentity() = default;

Status InstanceIdentity::Prepare() const {
  Status error;
  Get(&error);
  return error;
}

const InstanceIdentity::Signed* InstanceIdentity::Get(Status* error) const {
  if (const Signed* done = signed_.load(std::memory_order_acquire)) return done;
  std::scoped_lock lock(sign_mutex_);
  if (owned_ != nullptr) return owned_.get();  // another thread signed while we waited
  std::string document = BuildIdentityDocument(instance_);
  Result<crypto::IdentitySignatures> signatures = signer_.Sign(document);
  if (!signatures.ok()) {
    *error = Internal("signing the identity document of " + instance_.name +
                      " failed: " + signatures.status().message());
    return nullptr;
  }
  owned_ =
      std::make_unique<const Signed>(Signed{std::move(document), std::move(signatures).value()});
  signed_.store(owned_.get(), std::memory_order_release);
  return owned_.get();
}

LookupResult InstanceIdentity::Lookup(const DynamicRequest& /*request*/,
                                      std::span<const std::string_view> segments) const {
  if (segments.empty()) return {LookupResult::Kind::kListing, std::string(kListing)};
  if (segments.size() != 1) return {};
  const std::string_view name = segments[0];
  if (name != "document" && name != "pkcs7" && name != "rsa2048" && name != "signature") {
    return {};
  }
  Status error;
  const Signed* identity = Get(&error);
  if (identity == nullptr) {
    // No outcome means "server error" at this layer; the log says why the client saw 404.
    spdlog::error("{}", error.ToString());
    return {};
  }
  const std::string& text = name == "document"  ? identity->document
                            : name == "pkcs7"   ? identity->signatures.pkcs7
                            : name == "rsa2048" ? identity->signatures.rsa2048
                                                : identity->signatures.signature;
  return {LookupResult::Kind::kValue, text};
}

}  // namespace imdsd::imds
