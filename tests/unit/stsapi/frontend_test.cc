#include "stsapi/frontend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakes/fake_clock.h"
#include "fakes/fake_random.h"
#include "fakes/fake_sts.h"

namespace imdsd::stsapi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using Json = nlohmann::json;

constexpr char kForm[] = "application/x-www-form-urlencoded; charset=utf-8";

std::optional<std::string> HeaderOf(const StsReply& reply, std::string_view name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// The frontend with fake seams, an audit ring, and helpers to send requests.
class StsFrontendTest : public ::testing::Test {
 protected:
  StsFrontendTest()
      : ring_(16), frontend_({"eu-west-1"}, clock_, random_, auth_, actions_, &ring_) {}

  StsReply Post(std::string_view body, std::string_view content_type = kForm) {
    StsRequest request;
    request.method = "POST";
    request.path = "/";
    headers_ = {{"Content-Type", content_type}, {"User-Agent", "aws-cli/2.13 test"}};
    if (content_type.empty()) headers_.erase(headers_.begin());
    request.headers = {headers_.begin(), headers_.end()};
    request.body = body;
    request.source_ip = "127.0.0.1";
    return frontend_.Handle(request);
  }

  StsReply Get(std::vector<std::pair<std::string_view, std::string_view>> query) {
    StsRequest request;
    request.method = "GET";
    request.path = "/";
    request.query = std::move(query);
    request.source_ip = "10.0.0.7";
    return frontend_.Handle(request);
  }

  std::vector<Json> Audited() const {
    std::vector<Json> out;
    for (const auto& line : ring_.Snapshot()) out.push_back(Json::parse(line));
    return out;
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  testing::FakeAuthenticator auth_;
  testing::FakeStsActions actions_;
  AuditRing ring_;
  StsFrontend frontend_;
  std::vector<std::pair<std::string_view, std::string_view>> headers_;
};

TEST(NewUuidV4Test, VersionAndVariantBits) {
  testing::FakeRandom random;  // bytes 00 01 02 ... 0f
  EXPECT_EQ(NewUuidV4(random), "00010203-0405-4607-8809-0a0b0c0d0e0f");
  const std::string second = NewUuidV4(random);
  EXPECT_EQ(second.size(), 36u);
  EXPECT_EQ(second[14], '4');
}

TEST_F(StsFrontendTest, GetCallerIdentityEndToEnd) {
  const StsReply reply = Post("Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(reply.status, 200);
  const std::string request_id = "00010203-0405-4607-8809-0a0b0c0d0e0f";
  EXPECT_EQ(HeaderOf(reply, "x-amzn-RequestId"), request_id);
  EXPECT_EQ(HeaderOf(reply, "Content-Type"), "text/xml");
  EXPECT_EQ(HeaderOf(reply, "Date"), "Thu, 01 Jan 2026 00:00:00 GMT");
  EXPECT_EQ(reply.body,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
            "  <GetCallerIdentityResult>\n"
            "    <Arn>arn:aws:iam::123456789012:user/alice</Arn>\n"
            "    <UserId>AIDAJQABLZS4A3QDU576Q</UserId>\n"
            "    <Account>123456789012</Account>\n"
            "  </GetCallerIdentityResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>" +
                request_id +
                "</RequestId>\n"
                "  </ResponseMetadata>\n"
                "</GetCallerIdentityResponse>\n");
  EXPECT_EQ(auth_.calls, 1);
  EXPECT_EQ(auth_.last_now, clock_.Now());
  EXPECT_EQ(actions_.last_request_id, request_id);
  EXPECT_EQ(actions_.last_source_ip, "127.0.0.1");
  EXPECT_EQ(actions_.last_user_agent, "aws-cli/2.13 test");

  const auto events = Audited();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["eventName"], "GetCallerIdentity");
  EXPECT_EQ(events[0]["awsRegion"], "eu-west-1");
  EXPECT_EQ(events[0]["requestID"], request_id);
  EXPECT_EQ(events[0]["eventID"], "10111213-1415-4617-9819-1a1b1c1d1e1f");
  EXPECT_TRUE(events[0]["requestParameters"].is_null());
  EXPECT_EQ(events[0]["userIdentity"]["userName"], "alice");
}

TEST_F(StsFrontendTest, GetQueryStringWorksToo) {
  const StsReply reply = Get({{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(Audited().at(0)["sourceIPAddress"], "10.0.0.7");
}

TEST_F(StsFrontendTest, FormBodyIsDecodedAndBound) {
  const StsReply reply = Post(
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
      "&RoleSessionName=a%2Bb&ExternalId=with+space%2B&DurationSeconds=900"
      "&Tags.member.1.Key=team&Tags.member.1.Value=blue&TransitiveTagKeys.member.1=team"
      "&Unknown=x&RoleSessionName=ignored");
  ASSERT_EQ(reply.status, 400) << reply.body;  // ExternalId has a space
  EXPECT_THAT(reply.body, HasSubstr("Value 'with space+' at 'externalId'"));
  EXPECT_THAT(actions_.calls, IsEmpty());

  const StsReply ok = Post(
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
      "&RoleSessionName=a%2Bb&DurationSeconds=900&Tags.member.1.Key=team&Tags.member.1.Value=blue");
  ASSERT_EQ(ok.status, 200) << ok.body;
  ASSERT_TRUE(actions_.assume_role.has_value());
  EXPECT_EQ(actions_.assume_role->role_arn, "arn:aws:iam::123456789012:role/demo");
  EXPECT_EQ(actions_.assume_role->role_session_name, "a+b");
  EXPECT_EQ(actions_.assume_role->duration_seconds, 900);
  EXPECT_THAT(actions_.assume_role->tags, ElementsAre(Tag{"team", "blue"}));
  EXPECT_THAT(ok.body, HasSubstr("<AssumeRoleResult>"));
}

TEST_F(StsFrontendTest, MissingActionRedirectsLikeSts) {
  StsReply reply = Post("Version=2011-06-15");
  EXPECT_EQ(reply.status, 302);
  EXPECT_EQ(HeaderOf(reply, "Location"), "https://aws.amazon.com/iam");
  EXPECT_TRUE(reply.body.empty());
  EXPECT_TRUE(HeaderOf(reply, "x-amzn-RequestId").has_value());

  reply = Get({{"Version", "2011-06-15"}});
  EXPECT_EQ(HeaderOf(reply, "Location"), "https://aws.amazon.com/iam?Version=2011-06-15");

  // A POST whose body is not a form has no Action either.
  reply = Post("Action=GetCallerIdentity&Version=2011-06-15", "");
  EXPECT_EQ(reply.status, 302);
  reply = Post("Action=GetCallerIdentity&Version=2011-06-15", "application/json");
  EXPECT_EQ(reply.status, 302);
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_THAT(Audited(), IsEmpty());
}

TEST_F(StsFrontendTest, UnknownActionOrVersion) {
  struct Case {
    std::string body;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"Action=NoSuchAction&Version=2011-06-15",
       "Could not find operation NoSuchAction for version 2011-06-15"},
      {"Action=GetCallerIdentity",
       "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED"},
      {"Action=GetCallerIdentity&Version=",
       "Could not find operation GetCallerIdentity for "
       "version "},
      {"Action=GetCallerIdentity&Version=2000-01-01&Version=2011-06-15",
       "Could not find operation GetCallerIdentity for version 2000-01-01"},
      {"Action=&Version=2011-06-15", "Could not find operation  for version 2011-06-15"},
      {"Action=NoSuchAction&Action=GetCallerIdentity&Version=2011-06-15",
       "Could not find operation NoSuchAction for version 2011-06-15"},
  };
  for (const Case& c : cases) {
    const StsReply reply = Post(c.body);
    EXPECT_EQ(reply.status, 400) << c.body;
    EXPECT_THAT(reply.body, HasSubstr("<Code>InvalidAction</Code>")) << c.body;
    EXPECT_THAT(reply.body, HasSubstr("<Message>" + c.message + "</Message>")) << c.body;
    EXPECT_THAT(reply.body, HasSubstr("http://webservices.amazon.com/AWSFault/2005-15-09"));
  }
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_EQ(Audited().size(), cases.size());
  EXPECT_EQ(Audited().at(0)["errorCode"], "InvalidAction");

  // Duplicates: the first Action/Version wins.
  EXPECT_EQ(
      Post("Action=GetCallerIdentity&Action=NoSuchAction&Version=2011-06-15&Version=x").status,
      200);
}

TEST_F(StsFrontendTest, AuthenticationFailureStopsBeforeValidation) {
  auth_.refuse_with = SignatureDoesNotMatchError();
  const StsReply reply = Post("Action=AssumeRole&Version=2011-06-15");  // would fail validation
  EXPECT_EQ(reply.status, 403);
  EXPECT_THAT(reply.body, HasSubstr("<Code>SignatureDoesNotMatch</Code>"));
  EXPECT_THAT(reply.body, HasSubstr("https://sts.amazonaws.com/doc/2011-06-15/"));
  EXPECT_THAT(actions_.calls, IsEmpty());
  const auto events = Audited();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["errorCode"], "SignatureDoesNotMatch");
  EXPECT_TRUE(events[0]["userIdentity"].is_null());
}

TEST_F(StsFrontendTest, WebIdentityIsNotAuthenticated) {
  actions_.web_identity_response.subject_from_web_identity_token = "repo:org/app";
  actions_.web_identity_response.provider = "token.actions.githubusercontent.com";
  actions_.web_identity_response.audience = "sts.amazonaws.com";
  auth_.refuse_with = MissingAuthenticationTokenError();
  const StsReply reply = Post(
      "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::210987654321:role/"
      "ci&RoleSessionName=gh&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_FALSE(actions_.last_had_caller);
  const std::string line = ring_.Snapshot().at(0);
  EXPECT_THAT(line, Not(HasSubstr("eyJhbGciOiJSUzI1NiJ9")));
  const Json event = Json::parse(line);
  EXPECT_EQ(event["userIdentity"]["type"], "WebIdentityUser");
  EXPECT_EQ(event["userIdentity"]["userName"], "repo:org/app");
  EXPECT_EQ(event["recipientAccountId"], "210987654321");
}

TEST_F(StsFrontendTest, ServiceRefusalIsRenderedAndAuditedWithItsDecision) {
  StsError denied = NotAuthorizedError("arn:aws:iam::123456789012:user/alice", "AssumeRole",
                                       "arn:aws:iam::123456789012:role/demo");
  denied.audit_detail = "trust policy of role demo has no statement allowing alice";
  actions_.refuse_with = denied;
  const StsReply reply = Post(
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/demo"
      "&RoleSessionName=s&RoleSessionName=x");
  // "s" is too short: validation fails before the service is asked.
  EXPECT_EQ(reply.status, 400);
  const StsReply refused = Post(
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/demo"
      "&RoleSessionName=session");
  EXPECT_EQ(refused.status, 403);
  EXPECT_THAT(refused.body, HasSubstr("<Message>User: arn:aws:iam::123456789012:user/alice is not "
                                      "authorized to perform: sts:AssumeRole on resource: "
                                      "arn:aws:iam::123456789012:role/demo</Message>"));
  EXPECT_THAT(refused.body, Not(HasSubstr("trust policy")));
  const Json event = Audited().back();
  EXPECT_EQ(event["errorCode"], "AccessDenied");
  EXPECT_EQ(event["imdsdDecision"], "trust policy of role demo has no statement allowing alice");
  EXPECT_EQ(event["requestParameters"]["roleSessionName"], "session");
}

TEST_F(StsFrontendTest, MalformedIntegerHasNoMessage) {
  const StsReply reply = Post("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=abc");
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr("<Code>MalformedInput</Code>\n  </Error>"));
}

TEST_F(StsFrontendTest, EveryActionDispatches) {
  EXPECT_EQ(Post("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600").status, 200);
  EXPECT_EQ(Post("Action=GetFederationToken&Version=2011-06-15&Name=bob").status, 200);
  EXPECT_EQ(
      Post("Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIARZPUZDIKFLPK3PXP").status,
      200);
  EXPECT_EQ(Post("Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=x").status,
            200);
  EXPECT_THAT(actions_.calls, ElementsAre("GetSessionToken", "GetFederationToken",
                                          "GetAccessKeyInfo", "DecodeAuthorizationMessage"));
  EXPECT_EQ(Audited().size(), 4u);
}

TEST_F(StsFrontendTest, WorksWithoutAnAuditSink) {
  StsFrontend quiet({}, clock_, random_, auth_, actions_, nullptr);
  StsRequest request;
  request.method = "GET";
  request.query = {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}};
  EXPECT_EQ(quiet.Handle(request).status, 200);
}

}  // namespace
}  // namespace imdsd::stsapi
