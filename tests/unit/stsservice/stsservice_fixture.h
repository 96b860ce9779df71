#pragma once
// StsServiceTest: the one fixture of the stsservice tests. Owns a FakeClock, a deterministic
// random source, a session-token codec with a fixed key, a lab Config built in code (two
// accounts, users, an MFA device, roles, an OIDC provider), its Directory, a SigV4Authenticator
// and LabActions over them, plus helpers to sign requests and make callers.
//
// Accounts: 111111111111 owns the roles and the provider; alice lives in 222222222222 and may
// assume roles of 111111111111 by her identity policy; bob and carol live in 111111111111.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.h"
#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/jwt.h"
#include "crypto/totp.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_random.h"
#include "sigv4/canonical.h"
#include "sigv4/signing_key.h"
#include "sigv4/verifier.h"
#include "sts/identifiers.h"
#include "sts/session_token.h"
#include "stsapi/actions.h"
#include "stsservice/authenticator.h"
#include "stsservice/directory.h"
#include "stsservice/lab_actions.h"

namespace imdsd::stsservice {

inline constexpr char kTrusting[] = "111111111111";
inline constexpr char kTrusted[] = "222222222222";
inline constexpr char kAliceArn[] = "arn:aws:iam::222222222222:user/alice";
inline constexpr char kBobArn[] = "arn:aws:iam::111111111111:user/bob";
inline constexpr char kAliceSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
inline constexpr char kBobSecret[] = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
inline constexpr char kMfaSerial[] = "arn:aws:iam::222222222222:mfa/alice";
inline constexpr char kIssuer[] = "https://idp.example.com";
inline constexpr char kProviderArn[] = "arn:aws:iam::111111111111:oidc-provider/idp.example.com";
inline constexpr char kExternalId[] = "ext-1234";

inline std::string RoleArn(std::string_view name) {
  return "arn:aws:iam::111111111111:role/" + std::string(name);
}

inline sts::AccountId Account(const char* id) { return *sts::AccountId::Parse(id); }

// A JwtSigner shared by every test: RSA key generation is the slowest thing here.
inline const crypto::JwtSigner& TestIdpSigner() {
  static const crypto::JwtSigner* signer = [] {
    static Result<crypto::JwtSigner> made = crypto::JwtSigner::Generate("k1");
    return &made.value();
  }();
  return *signer;
}

class StsServiceTest : public ::testing::Test {
 protected:
  StsServiceTest() : codec_(crypto::AeadKey{7, 7, 7}, random_) {}

  void SetUp() override {
    config_ = std::make_shared<config::Config>(MakeConfig());
    Rebuild();
  }

  // Builds the Directory from config_ and (re)creates the authenticator and the actions.
  void Rebuild() {
    Result<std::shared_ptr<const Directory>> dir = Directory::Build(config_);
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    directory_ = *dir;
    authenticator_ = std::make_unique<SigV4Authenticator>(clock_, codec_, directory_,
                                                          VerifierOptionsFor(*config_));
    actions_ = std::make_unique<LabActions>(clock_, random_, codec_, directory_);
  }

  static config::PolicyDocument Doc(std::string json) { return {std::move(json), 1}; }

  static std::string AccessKeyFor(const char* account, std::uint8_t seed) {
    testing::FakeRandom random(seed);
    return sts::MakeAccessKeyId(sts::kLongTermAccessKeyPrefix, Account(account), random);
  }

  static config::User MakeUser(const char* account, std::string name, std::string key,
                               std::string secret, bool active = true) {
    config::User user;
    user.name = std::move(name);
    user.account_id = account;
    user.user_id = sts::MakeUniqueId(sts::kUserIdPrefix, Account(account), user.name);
    config::AccessKey access_key;
    access_key.id = std::move(key);
    access_key.secret = config::SecretValue(std::move(secret), "test");
    access_key.active = active;
    access_key.encodes_account = true;
    user.access_keys.push_back(std::move(access_key));
    return user;
  }

  static config::Role MakeRole(std::string name, std::string trust, int max_seconds = 3600,
                               std::vector<std::string> permissions = {}) {
    config::Role role;
    role.name = std::move(name);
    role.account_id = kTrusting;
    role.role_id = sts::MakeUniqueId(sts::kRoleIdPrefix, Account(kTrusting), role.name);
    role.max_session_duration_seconds = max_seconds;
    role.trust_policy = Doc(std::move(trust));
    for (std::size_t i = 0; i < permissions.size(); ++i) {
      role.permission_policies.push_back({"p" + std::to_string(i), Doc(permissions[i])});
    }
    return role;
  }

  static std::string Trust(const std::string& principal, const std::string& actions,
                           const std::string& condition = "") {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)" + principal +
           R"(,"Action":)" + actions + (condition.empty() ? "" : ",\"Condition\":" + condition) +
           "}]}";
  }

  static std::string Allow(const std::string& actions, const std::string& resources) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":)" + actions +
           R"(,"Resource":)" + resources + "}]}";
  }

  config::Config MakeConfig() {
    config::Config config;
    config.account_id = kTrusting;
    config.accounts = {{kTrusting, "trusting", 1}, {kTrusted, "trusted", 2}};

    config::User alice = MakeUser(kTrusted, "alice", alice_key_, kAliceSecret);
    alice.policies.push_back(
        {"may-assume", Doc(Allow(R"(["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"])",
                                 R"("arn:aws:iam::111111111111:role/*")"))});
    alice.policies.push_back({"may-federate", Doc(Allow(R"(["sts:GetFederationToken",
                                                          "sts:TagSession"])",
                                                        R"("*")"))});
    alice.tags = {{"team", "exams"}};
    config.users.push_back(std::move(alice));
    config.users.push_back(MakeUser(kTrusting, "bob", bob_key_, kBobSecret));
    config.users.push_back(MakeUser(kTrusting, "carol", carol_key_, kBobSecret, false));

    config::MfaDevice device;
    device.serial = kMfaSerial;
    device.account_id = kTrusted;
    device.user = "alice";
    device.seed = config::SecretValue(std::string(mfa_seed_.begin(), mfa_seed_.end()), "test");
    config.mfa_devices.push_back(std::move(device));

    config::OidcProvider provider;
    provider.url = kIssuer;
    provider.account_id = kTrusting;
    provider.arn = kProviderArn;
    provider.client_ids = {"lab-app"};
    provider.key_kind = config::OidcKeyKind::kPublicKeyPem;
    provider.key_text = TestIdpSigner().PublicKeyPem();
    config.oidc_providers.push_back(std::move(provider));

    const std::string trusted_root = R"({"AWS":"arn:aws:iam::222222222222:root"})";
    config.roles.push_back(MakeRole("cross-reader",
                                    Trust(trusted_root, R"("sts:AssumeRole")",
                                          R"({"StringEquals":{"sts:ExternalId":"ext-1234"}})"),
                                    4 * 3600));
    config.roles.push_back(
        MakeRole("mfa-admin",
                 Trust(R"({"AWS":"arn:aws:iam::222222222222:user/alice"})", R"("sts:AssumeRole")",
                       R"({"Bool":{"aws:MultiFactorAuthPresent":"true"},)"
                       R"("NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})")));
    config.roles.push_back(MakeRole(
        "open",
        Trust(trusted_root, R"(["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"])"),
        43200,
        {Allow(R"(["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"])", R"("*")")}));
    config.roles.back().tags = {{"project", "blue"}};
    config.roles.push_back(
        MakeRole("next",
                 Trust(R"({"AWS":"arn:aws:iam::111111111111:role/open"})",
                       R"(["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"])"),
                 43200, {Allow(R"("s3:GetObject")", R"("*")")}));
    config.roles.push_back(MakeRole("untaggable", Trust(trusted_root, R"("sts:AssumeRole")")));
    config.roles.push_back(
        MakeRole("bob-only",
                 Trust(R"({"AWS":"arn:aws:iam::111111111111:user/bob"})", R"("sts:AssumeRole")")));
    config.roles.push_back(
        MakeRole("account-only", Trust(R"({"AWS":"111111111111"})", R"("sts:AssumeRole")")));
    config.roles.push_back(
        MakeRole("ec2-role", Trust(R"({"Service":"ec2.amazonaws.com"})", R"("sts:AssumeRole")"),
                 3600, {Allow(R"("sts:AssumeRole")", R"("*")")}));
    config.roles.push_back(MakeRole(
        "from-ec2",
        Trust(R"({"AWS":"arn:aws:iam::111111111111:role/ec2-role"})", R"("sts:AssumeRole")"),
        43200));
    config.roles.push_back(
        MakeRole("web-reader",
                 Trust(R"({"Federated":"arn:aws:iam::111111111111:oidc-provider/idp.example.com"})",
                       R"("sts:AssumeRoleWithWebIdentity")",
                       R"({"StringEquals":{"idp.example.com:aud":"lab-app"},)"
                       R"("StringLike":{"idp.example.com:sub":"repo:lab/*"}})"),
                 7200));
    return config;
  }

  // --- Callers --------------------------------------------------------------------------------

  stsapi::CallerIdentity UserCaller(const char* arn, const std::string& key) const {
    return CallerFromUser(*directory_->FindUserByArn(arn), key);
  }
  stsapi::CallerIdentity Alice() const { return UserCaller(kAliceArn, alice_key_); }
  stsapi::CallerIdentity Bob() const { return UserCaller(kBobArn, bob_key_); }

  // The caller signing with credentials an action returned (what the authenticator would say).
  stsapi::CallerIdentity SessionCaller(const stsapi::Credentials& credentials) const {
    Result<sts::SessionClaims> claims = codec_.Verify(credentials.session_token);
    EXPECT_TRUE(claims.ok());
    return CallerFromClaims(*claims, "aws");
  }

  // Instance-profile credentials as the CredentialStore mints them for `role` on an instance.
  stsapi::CallerIdentity InstanceProfileCaller(std::string_view role) const {
    sts::SessionClaims claims;
    claims.kind = sts::SessionKind::kInstanceProfile;
    claims.access_key_id = "ASIAEXAMPLEEXAMPLE01";
    claims.secret_access_key = kBobSecret;
    claims.account_id = Account(kTrusting);
    claims.role_arn = RoleArn(role);
    claims.role_id = sts::MakeUniqueId(sts::kRoleIdPrefix, Account(kTrusting), role);
    claims.role_session_name = "i-0123456789abcdef0";
    claims.issued_at = std::chrono::floor<std::chrono::seconds>(clock_.Now());
    claims.expires_at = claims.issued_at + std::chrono::hours(6);
    return CallerFromClaims(claims, "aws");
  }

  stsapi::CallContext Context(const stsapi::CallerIdentity* caller) const {
    stsapi::CallContext context;
    context.caller = caller;
    context.source_ip = "127.0.0.1";
    context.user_agent = "test";
    context.request_id = "req";
    context.now = clock_.Now();
    return context;
  }

  static stsapi::AssumeRoleRequest Request(std::string_view role, std::string session = "s1") {
    stsapi::AssumeRoleRequest request;
    request.role_arn = RoleArn(role);
    request.role_session_name = std::move(session);
    return request;
  }

  stsapi::Outcome<stsapi::AssumeRoleResponse> Assume(const stsapi::CallerIdentity& caller,
                                                     const stsapi::AssumeRoleRequest& request) {
    return actions_->AssumeRole(Context(&caller), request);
  }

  std::string MfaCode(std::chrono::seconds offset = std::chrono::seconds(0)) const {
    return *crypto::TotpCode(mfa_seed_, clock_.Now() + offset);
  }

  // --- Signed requests --------------------------------------------------------------------------

  // A POST signed as botocore signs STS calls (header form), at the fake clock's time.
  struct SignedRequest {
    std::string body;
    std::vector<std::pair<std::string, std::string>> header_storage;
    stsapi::StsRequest request;
  };

  std::unique_ptr<SignedRequest> Sign(
      const std::string& key, const std::string& secret, const std::string& token = "",
      const std::string& body = "Action=GetCallerIdentity&Version=2011-06-15") const {
    auto out = std::make_unique<SignedRequest>();
    out->body = body;
    const std::string amz_date = sigv4::FormatAmzDate(clock_.Now());
    const std::string date = amz_date.substr(0, 8);
    out->header_storage = {{"Host", "127.0.0.1:8170"},
                           {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                           {"X-Amz-Date", amz_date}};
    if (!token.empty()) out->header_storage.emplace_back("X-Amz-Security-Token", token);
    std::string signed_headers = "content-type;host;x-amz-date";
    if (!token.empty()) signed_headers += ";x-amz-security-token";
    std::vector<sigv4::Header> headers;
    for (const auto& [name, value] : out->header_storage) headers.push_back({name, value});
    const std::string payload_hash = crypto::HexEncode(crypto::Sha256(out->body));
    const std::string canonical =
        sigv4::CanonicalRequest({"POST", "/", "", signed_headers, headers, payload_hash});
    const std::string scope = date + "/us-east-1/sts/aws4_request";
    const std::string signature =
        sigv4::SignatureHex(sigv4::DeriveSigningKey(secret, date, "us-east-1", "sts"),
                            sigv4::StringToSign(amz_date, scope, canonical));
    out->header_storage.emplace_back(
        "Authorization", "AWS4-HMAC-SHA256 Credential=" + key + "/" + scope +
                             ", SignedHeaders=" + signed_headers + ", Signature=" + signature);
    out->request.method = "POST";
    out->request.path = "/";
    for (const auto& [name, value] : out->header_storage)
      out->request.headers.emplace_back(name, value);
    out->request.body = out->body;
    out->request.source_ip = "127.0.0.1";
    return out;
  }

  stsapi::Outcome<stsapi::CallerIdentity> Authenticate(const SignedRequest& signed_request) {
    return authenticator_->Authenticate(signed_request.request, clock_.Now());
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  sts::SessionTokenCodec codec_;
  const std::vector<std::uint8_t> mfa_seed_ = {'1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
                                               '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'};
  const std::string alice_key_ = AccessKeyFor(kTrusted, 1);
  const std::string bob_key_ = AccessKeyFor(kTrusting, 2);
  const std::string carol_key_ = AccessKeyFor(kTrusting, 3);
  std::shared_ptr<config::Config> config_;
  std::shared_ptr<const Directory> directory_;
  std::unique_ptr<SigV4Authenticator> authenticator_;
  std::unique_ptr<LabActions> actions_;
};

}  // namespace imdsd::stsservice
