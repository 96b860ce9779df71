#pragma once
// The instance identity document (dynamic/instance-identity/document), byte for byte in EC2's
// style: AwsJsonObject formatting, fields in the order a real 2023 document shows them,
// `null` for absent values, "version" : "2017-09-30", no trailing newline. The signatures at
// /signature, /pkcs7 and /rsa2048 sign exactly these bytes. Pure function, thread-safe.

#include <string>

#include "config/config.h"

namespace imdsd::imds {

std::string BuildIdentityDocument(const config::Instance& instance);

}  // namespace imdsd::imds
