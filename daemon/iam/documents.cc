#include "iam/documents.h"

#include <array>
#include <cstddef>

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

const std::string& RenderedCredentialDocument(
    const std::shared_ptr<const sts::Credential>& credential, CredentialFormat format) {
  struct Memo {
    std::shared_ptr<const sts::Credential> credential;
    CredentialFormat format = CredentialFormat::kLegacy;
    std::string document;
  };
  // A few entries, replaced in turn: enough for a thread that alternates between the formats or
  // serves a handful of busy tenants, small enough to search linearly.
  constexpr std::size_t kMemoSize = 4;
  thread_local std::array<Memo, kMemoSize> memo;
  thread_local std::size_t next = 0;
  for (const Memo& entry : memo) {
    if (entry.credential == credential && entry.format == format) {
      return entry.document;
    }
  }
  Memo& entry = memo[next];
  next = (next + 1) % kMemoSize;
  entry.document = CredentialDocument(*credential, format);
  entry.credential = credential;
  entry.format = format;
  return entry.document;
}

}  // namespace imdsd::iam
