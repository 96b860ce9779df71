#pragma once
// BuildInstanceTree: one instance's whole metadata tree below a version prefix
// (dynamic/, meta-data/, user-data), prebuilt from its config::Instance.
//
// Every value comes from the Instance as the loader completed it; nothing is defaulted here.
// dynamic/instance-identity/ is `identity`, mounted: it signs on first use (InstanceIdentity).
// Entries whose presence depends on the instance (user-data, public-*, ipv6, kernel-id,
// ramdisk-id, public-keys/, tags/, iam/) are left out when EC2 would leave them out. Pure;
// thread-safe.

#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "imds/dynamic_subtree.h"
#include "imds/metadata_tree.h"

namespace imdsd::imds {

struct InstanceTreeInputs {
  WallTime built_at;  // LastUpdated of identity-credentials/ec2/info
  MetadataProviders providers;
};

// kInvalidArgument when a name from the config (tag key, block device name, MAC) cannot be a
// path segment or is duplicated. `identity` is borrowed by the tree and must outlive it.
Result<MetadataTree> BuildInstanceTree(const config::Instance& instance,
                                       const InstanceTreeInputs& inputs,
                                       const DynamicSubtree& identity);

}  // namespace imdsd::imds
