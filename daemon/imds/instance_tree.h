#pragma once
// BuildInstanceTree: one instance's whole metadata tree below a version prefix
// (dynamic/, meta-data/, user-data), prebuilt from its config::Instance.
//
// Every value comes from the Instance as the loader completed it; nothing is defaulted here.
// The identity document is signed once, here, so requests never sign. Entries whose presence
// depends on the instance (user-data, public-*, ipv6, kernel-id, ramdisk-id, public-keys/,
// tags/, iam/) are left out when EC2 would leave them out. Pure apart from the signer call;
// thread-safe if the signer is.

#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "crypto/identity_signer.h"
#include "imds/dynamic_subtree.h"
#include "imds/metadata_tree.h"

namespace imdsd::imds {

struct InstanceTreeInputs {
  const crypto::IdentitySigner& signer;
  WallTime built_at;  // LastUpdated of identity-credentials/ec2/info
  MetadataProviders providers;
};

// kInternal when signing fails; kInvalidArgument when a name from the config (tag key, block
// device name, MAC) cannot be a path segment or is duplicated.
Result<MetadataTree> BuildInstanceTree(const config::Instance& instance,
                                       const InstanceTreeInputs& inputs);

}  // namespace imdsd::imds
