#pragma once
// DynamicSubtree: a part of the metadata tree whose content is computed per request.
//
// Most metadata is fixed for the life of a Config and prebuilt (MetadataTree), but some is not:
// IAM role credentials rotate (meta-data/iam/info, iam/security-credentials/<role>). Such a
// component implements this interface and is mounted at a directory when the State is built
// (see MetadataProviders in imds/imds_service.h); the tree hands it every lookup below the mount
// point. Implementations must be thread-safe (Handle() runs on many threads) and must not block
// for long.

#include <span>
#include <string>
#include <string_view>

#include "config/config.h"

namespace imdsd::imds {

struct LookupResult {
  enum class Kind { kNotFound, kValue, kListing };
  Kind kind = Kind::kNotFound;
  std::string body;  // the value, or the listing text; empty for kNotFound
};

// What a dynamic subtree may know about the request.
struct DynamicRequest {
  const config::Instance& instance;
  // The request carried a valid IMDSv2 token. EC2 delivers different role credentials to v1 and
  // v2 requests (ec2:RoleDelivery 1.0 vs 2.0).
  bool token_verified = false;
};

class DynamicSubtree {
 public:
  virtual ~DynamicSubtree() = default;

  // Answers the path `segments` below the mount point (empty: the mount point itself, whose
  // answer should be its listing). Segments are non-empty and never "." or "..".
  virtual LookupResult Lookup(const DynamicRequest& request,
                              std::span<const std::string_view> segments) const = 0;
};

}  // namespace imdsd::imds

namespace imdsd::imds {

// The dynamic subtrees a later component registers with ImdsService::Create(). Each pointer is
// borrowed and must outlive the service; null means "not provided" and the directory is absent.
struct MetadataProviders {
  // Mounted at meta-data/iam/ for instances with a non-empty instance_profile; answers
  // iam/ (listing), iam/info and iam/security-credentials/<role>.
  const DynamicSubtree* iam = nullptr;
};

}  // namespace imdsd::imds
