#include "imds/identity_document.h"

#include "imds/aws_json.h"

namespace imdsd::imds {

std::string BuildIdentityDocument(const config::Instance& instance) {
  return AwsJsonObject()
      .AddString("accountId", instance.account_id)
      .AddString("architecture", instance.architecture)
      .AddString("availabilityZone", instance.availability_zone)
      .AddNull("billingProducts")
      .AddNull("devpayProductCodes")
      .AddNull("marketplaceProductCodes")
      .AddString("imageId", instance.ami_id)
      .AddString("instanceId", instance.instance_id)
      .AddString("instanceType", instance.instance_type)
      .AddStringOrNull("kernelId", instance.kernel_id)
      .AddString("pendingTime", instance.pending_time)
      .AddStringOrNull("privateIp", instance.private_ip)
      .AddStringOrNull("ramdiskId", instance.ramdisk_id)
      .AddString("region", instance.region)
      .AddString("version", "2017-09-30")
      .Build();
}

}  // namespace imdsd::imds
