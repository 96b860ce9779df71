#include "iam/documents.h"

#include "common/time_format.h"
#include "imds/aws_json.h"

namespace imdsd::iam {

std::string IamInfoDocument(WallTime last_updated, std::string_view instance_profile_arn,
                            std::string_view instance_profile_id) {
  return imds::AwsJsonObject()
      .AddString("Code", "Success")
      .AddString("LastUpdated", FormatIso8601(last_updated))
      .AddString("InstanceProfileArn", instance_profile_arn)
      .AddString("InstanceProfileId", instance_profile_id)
      .Build();
}

std::string CredentialDocument(const sts::Credential& credential, CredentialFormat format) {
  imds::AwsJsonObject json;
  json.AddString("Code", "Success")
      .AddString("LastUpdated", FormatIso8601(credential.issued_at))
      .AddString("Type", "AWS-HMAC")
      .AddString("AccessKeyId", credential.access_key_id)
      .AddString("SecretAccessKey", credential.secret_access_key)
      .AddString("Token", credential.session_token)
      .AddString("Expiration", FormatIso8601(credential.expires_at));
  if (format == CredentialFormat::kExtended) {
    json.AddString("AccountId", credential.account_id.ToString());
  }
  return json.Build();
}

}  // namespace imdsd::iam
