#pragma once
// Fakes for the STS protocol layer's seams: an Authenticator that accepts whoever a test says
// (or refuses with a chosen error), and StsActions that answer with canned results and remember
// what they were asked. Not thread-safe: one test thread at a time.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stsapi/actions.h"

namespace imdsd::testing {

// An IAM user caller in account 123456789012.
inline stsapi::CallerIdentity FakeUserCaller() {
  stsapi::CallerIdentity caller;
  caller.type = stsapi::PrincipalType::kIamUser;
  caller.principal_id = "AIDAJQABLZS4A3QDU576Q";
  caller.arn = "arn:aws:iam::123456789012:user/alice";
  caller.account_id = sts::AccountId::FromNumber(123456789012).value();
  caller.access_key_id = "AKIARZPUZDIKFLPK3PXP";
  caller.user_name = "alice";
  return caller;
}

class FakeAuthenticator final : public stsapi::Authenticator {
 public:
  stsapi::Outcome<stsapi::CallerIdentity> Authenticate(const stsapi::StsRequest& /*request*/,
                                                       WallTime now) override {
    ++calls;
    last_now = now;
    if (refuse_with) return *refuse_with;
    return caller;
  }

  stsapi::CallerIdentity caller = FakeUserCaller();
  std::optional<stsapi::StsError> refuse_with;
  int calls = 0;
  WallTime last_now{};
};

class FakeStsActions final : public stsapi::StsActions {
 public:
  stsapi::Outcome<stsapi::AssumeRoleResponse> AssumeRole(
      const stsapi::CallContext& context, const stsapi::AssumeRoleRequest& request) override {
    Seen(context, "AssumeRole");
    assume_role = request;
    if (refuse_with) return *refuse_with;
    return assume_role_response;
  }
  stsapi::Outcome<stsapi::AssumeRoleWithWebIdentityResponse> AssumeRoleWithWebIdentity(
      const stsapi::CallContext& context,
      const stsapi::AssumeRoleWithWebIdentityRequest& request) override {
    Seen(context, "AssumeRoleWithWebIdentity");
    web_identity = request;
    if (refuse_with) return *refuse_with;
    return web_identity_response;
  }
  stsapi::Outcome<stsapi::GetCallerIdentityResponse> GetCallerIdentity(
      const stsapi::CallContext& context, const stsapi::GetCallerIdentityRequest&) override {
    Seen(context, "GetCallerIdentity");
    if (refuse_with) return *refuse_with;
    return stsapi::CallerIdentityResponseOf(*context.caller);
  }
  stsapi::Outcome<stsapi::GetSessionTokenResponse> GetSessionToken(
      const stsapi::CallContext& context, const stsapi::GetSessionTokenRequest& request) override {
    Seen(context, "GetSessionToken");
    session_token = request;
    if (refuse_with) return *refuse_with;
    return stsapi::GetSessionTokenResponse{assume_role_response.credentials};
  }
  stsapi::Outcome<stsapi::GetFederationTokenResponse> GetFederationToken(
      const stsapi::CallContext& context,
      const stsapi::GetFederationTokenRequest& request) override {
    Seen(context, "GetFederationToken");
    federation = request;
    if (refuse_with) return *refuse_with;
    return stsapi::GetFederationTokenResponse{assume_role_response.credentials, {}, {}};
  }
  stsapi::Outcome<stsapi::GetAccessKeyInfoResponse> GetAccessKeyInfo(
      const stsapi::CallContext& context, const stsapi::GetAccessKeyInfoRequest&) override {
    Seen(context, "GetAccessKeyInfo");
    if (refuse_with) return *refuse_with;
    return stsapi::GetAccessKeyInfoResponse{"123456789012"};
  }
  stsapi::Outcome<stsapi::DecodeAuthorizationMessageResponse> DecodeAuthorizationMessage(
      const stsapi::CallContext& context,
      const stsapi::DecodeAuthorizationMessageRequest&) override {
    Seen(context, "DecodeAuthorizationMessage");
    if (refuse_with) return *refuse_with;
    return stsapi::DecodeAuthorizationMessageResponse{"{}"};
  }

  std::optional<stsapi::StsError> refuse_with;
  stsapi::AssumeRoleResponse assume_role_response;
  stsapi::AssumeRoleWithWebIdentityResponse web_identity_response;

  std::vector<std::string> calls;
  bool last_had_caller = false;
  std::string last_request_id;
  std::string last_source_ip;
  std::string last_user_agent;
  WallTime last_now{};
  std::optional<stsapi::AssumeRoleRequest> assume_role;
  std::optional<stsapi::AssumeRoleWithWebIdentityRequest> web_identity;
  std::optional<stsapi::GetSessionTokenRequest> session_token;
  std::optional<stsapi::GetFederationTokenRequest> federation;

 private:
  void Seen(const stsapi::CallContext& context, std::string action) {
    calls.push_back(std::move(action));
    last_had_caller = context.caller != nullptr;
    last_request_id = std::string(context.request_id);
    last_source_ip = std::string(context.source_ip);
    last_user_agent = std::string(context.user_agent);
    last_now = context.now;
  }
};

}  // namespace imdsd::testing
