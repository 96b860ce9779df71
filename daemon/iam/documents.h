#pragma once
// The JSON documents of EC2's iam/ metadata category, byte for byte as EC2 prints them
// (docs: /work/shared/reference/imds.md §7.2, §7.4, §7.5): one member per line, two-space indent,
// " : " between key and value, members in EC2's order, no trailing newline.
//
// Pure functions over plain values, apart from the per-thread memo of RenderedCredentialDocument;
// thread-safe. The credential document contains the secret access key and session token: it
// goes to the requesting client only, never to a log.

#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "sts/credential.h"

namespace imdsd::iam {

// meta-data/iam/info: Code, LastUpdated (when the instance profile association last changed),
// InstanceProfileArn, InstanceProfileId.
std::string IamInfoDocument(WallTime last_updated, std::string_view instance_profile_arn,
                            std::string_view instance_profile_id);

enum class CredentialFormat {
  kLegacy,    // iam/security-credentials/<role>: Code, LastUpdated, Type, AccessKeyId,
              // SecretAccessKey, Token, Expiration
  kExtended,  // iam/security-credentials-extended/<role>: the same, then AccountId
};

// The credential document for `credential` (LastUpdated = issued_at, Expiration = expires_at).
std::string CredentialDocument(const sts::Credential& credential, CredentialFormat format);

// CredentialDocument(*credential, format), remembered per thread for the last few credentials it
// was asked about, so a credential requested again is not formatted again. Keyed by the
// credential object: CredentialStore replaces, never modifies, a credential, so a rotation is a
// new key and is rendered afresh. The memo keeps those few credentials alive (a key's address
// cannot be reused while it is remembered) and copies of their documents, until the thread
// renders others or exits. `credential` must not be null. The reference is valid until this
// thread's next call.
const std::string& RenderedCredentialDocument(
    const std::shared_ptr<const sts::Credential>& credential, CredentialFormat format);

}  // namespace imdsd::iam
