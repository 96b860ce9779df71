// SigV4Authenticator: long-term keys from the Directory, temporary keys from session tokens,
// and the errors AWS gives for each way a credential can be wrong.

#include "stsservice/authenticator.h"

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sts/credential_issuer.h"
#include "stsapi/query.h"
#include "stsservice_fixture.h"

namespace imdsd::stsservice {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

class AuthenticatorTest : public StsServiceTest {};

void ExpectError(const stsapi::Outcome<stsapi::CallerIdentity>& outcome, std::string_view code,
                 int status) {
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, code);
  EXPECT_EQ(outcome.error().http_status, status);
}

TEST_F(AuthenticatorTest, LongTermKeyIsTheUser) {
  auto request = Sign(alice_key_, kAliceSecret);
  auto caller = Authenticate(*request);
  ASSERT_TRUE(caller.ok()) << caller.error().code << ": " << caller.error().message;
  EXPECT_EQ(caller.value().type, stsapi::PrincipalType::kIamUser);
  EXPECT_EQ(caller.value().arn, kAliceArn);
  EXPECT_EQ(caller.value().account_id.ToString(), kTrusted);
  EXPECT_EQ(caller.value().user_name, "alice");
  EXPECT_THAT(caller.value().principal_id, ::testing::StartsWith("AIDA"));
  EXPECT_FALSE(caller.value().session.has_value());
}

TEST_F(AuthenticatorTest, WrongSecretIsSignatureDoesNotMatch) {
  auto request = Sign(alice_key_, kBobSecret);
  ExpectError(Authenticate(*request), "SignatureDoesNotMatch", 403);
}

TEST_F(AuthenticatorTest, UnknownKeyIsInvalidClientTokenId) {
  auto request = Sign(AccessKeyFor(kTrusted, 9), kAliceSecret);
  auto outcome = Authenticate(*request);
  ExpectError(outcome, "InvalidClientTokenId", 403);
  EXPECT_EQ(outcome.error().message, "The security token included in the request is invalid.");
  EXPECT_THAT(outcome.error().audit_detail, ::testing::HasSubstr("no configured user"));
}

TEST_F(AuthenticatorTest, InactiveKeyIsRefusedLikeAnUnknownOne) {
  auto request = Sign(carol_key_, kBobSecret);
  auto outcome = Authenticate(*request);
  ExpectError(outcome, "InvalidClientTokenId", 403);
  EXPECT_THAT(outcome.error().audit_detail, ::testing::HasSubstr("Inactive"));
}

TEST_F(AuthenticatorTest, RequestOutsideTheSkewWindowIsRefused) {
  auto request = Sign(alice_key_, kAliceSecret);
  clock_.Advance(minutes(16));
  ExpectError(Authenticate(*request), "SignatureDoesNotMatch", 403);
}

TEST_F(AuthenticatorTest, AssumedRoleSessionAuthenticates) {
  const auto alice = Alice();
  auto assumed = Assume(alice, Request("open", "study"));
  ASSERT_TRUE(assumed.ok());
  const stsapi::Credentials& creds = assumed.value().credentials;
  auto request = Sign(creds.access_key_id, creds.secret_access_key, creds.session_token);
  auto caller = Authenticate(*request);
  ASSERT_TRUE(caller.ok()) << caller.error().code;
  EXPECT_EQ(caller.value().type, stsapi::PrincipalType::kAssumedRole);
  EXPECT_EQ(caller.value().arn, "arn:aws:sts::111111111111:assumed-role/open/study");
  EXPECT_EQ(caller.value().principal_id,
            sts::MakeUniqueId(sts::kRoleIdPrefix, Account(kTrusting), "open") + ":study");
  ASSERT_TRUE(caller.value().session.has_value());
  EXPECT_EQ(caller.value().session->kind, sts::SessionKind::kAssumedRole);
}

TEST_F(AuthenticatorTest, ExpiredSessionIsExpiredToken) {
  const auto alice = Alice();
  auto assumed = Assume(alice, Request("open"));
  ASSERT_TRUE(assumed.ok());
  const stsapi::Credentials& creds = assumed.value().credentials;
  clock_.Advance(hours(1));
  auto request = Sign(creds.access_key_id, creds.secret_access_key, creds.session_token);
  auto outcome = Authenticate(*request);
  ExpectError(outcome, "ExpiredToken", 403);
  EXPECT_EQ(outcome.error().message, "The security token included in the request is expired");
}

TEST_F(AuthenticatorTest, SessionStillValidOneSecondBeforeExpiry) {
  const auto alice = Alice();
  auto assumed = Assume(alice, Request("open"));
  ASSERT_TRUE(assumed.ok());
  const stsapi::Credentials& creds = assumed.value().credentials;
  clock_.Advance(hours(1) - seconds(1));
  auto request = Sign(creds.access_key_id, creds.secret_access_key, creds.session_token);
  EXPECT_TRUE(Authenticate(*request).ok());
}

TEST_F(AuthenticatorTest, TemporaryKeyWithoutTokenIsInvalidClientTokenId) {
  const auto alice = Alice();
  auto assumed = Assume(alice, Request("open"));
  ASSERT_TRUE(assumed.ok());
  const stsapi::Credentials& creds = assumed.value().credentials;
  auto request = Sign(creds.access_key_id, creds.secret_access_key);
  ExpectError(Authenticate(*request), "InvalidClientTokenId", 403);
}

TEST_F(AuthenticatorTest, TokenOfAnotherKeyIsInvalidClientTokenId) {
  const auto alice = Alice();
  auto first = Assume(alice, Request("open", "one"));
  auto second = Assume(alice, Request("open", "two"));
  ASSERT_TRUE(first.ok() && second.ok());
  auto request =
      Sign(first.value().credentials.access_key_id, first.value().credentials.secret_access_key,
           second.value().credentials.session_token);
  auto outcome = Authenticate(*request);
  ExpectError(outcome, "InvalidClientTokenId", 403);
  EXPECT_THAT(outcome.error().audit_detail, ::testing::HasSubstr("another access key"));
}

TEST_F(AuthenticatorTest, ForgedTokenIsInvalidClientTokenId) {
  const auto alice = Alice();
  auto assumed = Assume(alice, Request("open"));
  ASSERT_TRUE(assumed.ok());
  std::string token = assumed.value().credentials.session_token;
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  auto request = Sign(assumed.value().credentials.access_key_id,
                      assumed.value().credentials.secret_access_key, token);
  ExpectError(Authenticate(*request), "InvalidClientTokenId", 403);
}

TEST_F(AuthenticatorTest, InstanceProfileCredentialsAuthenticateAsTheirRoleSession) {
  sts::CredentialIssuer issuer(clock_, random_, codec_);
  sts::RoleSession role;
  role.account_id = Account(kTrusting);
  role.role_name = "ec2-role";
  role.role_id = sts::MakeUniqueId(sts::kRoleIdPrefix, Account(kTrusting), "ec2-role");
  role.session_name = "i-0123456789abcdef0";
  auto credential = issuer.IssueRoleCredential(role);
  ASSERT_TRUE(credential.ok());
  auto request =
      Sign(credential->access_key_id, credential->secret_access_key, credential->session_token);
  auto caller = Authenticate(*request);
  ASSERT_TRUE(caller.ok()) << caller.error().code;
  EXPECT_EQ(caller.value().arn,
            "arn:aws:sts::111111111111:assumed-role/ec2-role/i-0123456789abcdef0");
  EXPECT_EQ(caller.value().session->kind, sts::SessionKind::kInstanceProfile);
}

TEST_F(AuthenticatorTest, SessionTokenAndFederationSessionsHaveTheirOwnIdentities) {
  const auto alice = Alice();
  auto session = actions_->GetSessionToken(Context(&alice), {});
  ASSERT_TRUE(session.ok());
  auto signed_session =
      Sign(session.value().credentials.access_key_id, session.value().credentials.secret_access_key,
           session.value().credentials.session_token);
  auto as_user = Authenticate(*signed_session);
  ASSERT_TRUE(as_user.ok());
  EXPECT_EQ(as_user.value().type, stsapi::PrincipalType::kIamUser);
  EXPECT_EQ(as_user.value().arn, kAliceArn);
  EXPECT_EQ(as_user.value().principal_id, alice.principal_id);

  stsapi::GetFederationTokenRequest federation;
  federation.name = "carlos";
  auto federated = actions_->GetFederationToken(Context(&alice), federation);
  ASSERT_TRUE(federated.ok()) << federated.error().audit_detail;
  auto signed_federated = Sign(federated.value().credentials.access_key_id,
                               federated.value().credentials.secret_access_key,
                               federated.value().credentials.session_token);
  auto as_federated = Authenticate(*signed_federated);
  ASSERT_TRUE(as_federated.ok());
  EXPECT_EQ(as_federated.value().type, stsapi::PrincipalType::kFederatedUser);
  EXPECT_EQ(as_federated.value().arn, "arn:aws:sts::222222222222:federated-user/carlos");
  EXPECT_EQ(as_federated.value().principal_id, "222222222222:carlos");
}

TEST_F(AuthenticatorTest, ReloadedDirectoryDropsRemovedKeys) {
  auto before = Sign(bob_key_, kBobSecret);
  EXPECT_TRUE(Authenticate(*before).ok());
  auto next = std::make_shared<config::Config>(*config_);
  next->users.pop_back();  // carol
  next->users.pop_back();  // bob
  auto dir = Directory::Build(next);
  ASSERT_TRUE(dir.ok());
  authenticator_->SetDirectory(*dir);
  auto after = Sign(bob_key_, kBobSecret);
  ExpectError(Authenticate(*after), "InvalidClientTokenId", 403);
}

}  // namespace
}  // namespace imdsd::stsservice

namespace imdsd::stsservice {
namespace {

// A presigned GET as SDKs build it (EKS tokens are presigned GetCallerIdentity calls), with the
// session token in the query string.
class PresignedTest : public StsServiceTest {
 protected:
  struct Presigned {
    std::vector<std::pair<std::string, std::string>> params;
    std::string host = "127.0.0.1:8170";
    stsapi::StsRequest request;
  };

  std::unique_ptr<Presigned> Presign(const stsapi::Credentials& creds) const {
    auto out = std::make_unique<Presigned>();
    const std::string amz_date = sigv4::FormatAmzDate(clock_.Now());
    const std::string scope = amz_date.substr(0, 8) + "/us-east-1/sts/aws4_request";
    out->params = {{"Action", "GetCallerIdentity"},
                   {"Version", "2011-06-15"},
                   {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
                   {"X-Amz-Credential", creds.access_key_id + "/" + scope},
                   {"X-Amz-Date", amz_date},
                   {"X-Amz-Expires", "60"},
                   {"X-Amz-SignedHeaders", "host"},
                   {"X-Amz-Security-Token", creds.session_token}};
    std::string raw;
    for (const auto& [name, value] : out->params) {
      raw += (raw.empty() ? "" : "&") + stsapi::PercentEncode(name) + "=" +
             stsapi::PercentEncode(value);
    }
    const std::vector<sigv4::Header> headers = {{"Host", out->host}};
    const std::string canonical =
        sigv4::CanonicalRequest({"GET", "/", sigv4::CanonicalQuery(raw, false), "host", headers,
                                 crypto::HexEncode(crypto::Sha256(std::string_view()))});
    out->params.emplace_back(
        "X-Amz-Signature",
        sigv4::SignatureHex(sigv4::DeriveSigningKey(creds.secret_access_key, amz_date.substr(0, 8),
                                                    "us-east-1", "sts"),
                            sigv4::StringToSign(amz_date, scope, canonical)));
    out->request.method = "GET";
    out->request.path = "/";
    for (const auto& [name, value] : out->params) out->request.query.emplace_back(name, value);
    out->request.headers.emplace_back("Host", out->host);
    out->request.source_ip = "127.0.0.1";
    return out;
  }
};

TEST_F(PresignedTest, SessionTokenInTheQueryAuthenticates) {
  const auto alice = Alice();
  auto assumed = Assume(alice, Request("open", "eks"));
  ASSERT_TRUE(assumed.ok());
  auto presigned = Presign(assumed.value().credentials);
  auto caller = authenticator_->Authenticate(presigned->request, clock_.Now());
  ASSERT_TRUE(caller.ok()) << caller.error().code << ": " << caller.error().message;
  EXPECT_EQ(caller.value().arn, "arn:aws:sts::111111111111:assumed-role/open/eks");
}

TEST_F(PresignedTest, AlteredQueryValueFailsTheSignature) {
  const auto alice = Alice();
  auto assumed = Assume(alice, Request("open", "eks"));
  ASSERT_TRUE(assumed.ok());
  auto presigned = Presign(assumed.value().credentials);
  presigned->request.query[0].second = "GetSessionToken";
  auto caller = authenticator_->Authenticate(presigned->request, clock_.Now());
  ASSERT_FALSE(caller.ok());
  EXPECT_EQ(caller.error().code, "SignatureDoesNotMatch");
}

}  // namespace
}  // namespace imdsd::stsservice
