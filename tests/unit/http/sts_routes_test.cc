#include "http/sts_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/fake_random.h"
#include "fakes/fake_sts.h"

namespace imdsd::http {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

std::optional<std::string> HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// The STS routes over a real StsFrontend with fake seams and an audit ring.
class StsRoutesTest : public ::testing::Test {
 protected:
  StsRoutesTest()
      : ring_(8),
        frontend_({}, clock_, random_, auth_, actions_, &ring_),
        routes_(frontend_, &ring_) {}

  Request MakeRequest(std::string_view method, std::string_view path, std::string_view source) {
    Request request;
    request.method = method;
    request.path = path;
    request.version = "HTTP/1.1";
    request.source = *net::IpAddress::Parse(source);
    return request;
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  testing::FakeAuthenticator auth_;
  testing::FakeStsActions actions_;
  stsapi::AuditRing ring_;
  stsapi::StsFrontend frontend_;
  StsRoutes routes_;
};

TEST_F(StsRoutesTest, FormPostReachesTheFrontend) {
  Request request = MakeRequest("POST", "/", "127.0.0.1");
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"User-Agent", "Boto3/1.34"}};
  request.body = "Action=GetCallerIdentity&Version=2011-06-15";
  const Response response = MakeStsHandler(routes_)(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(HeaderOf(response, "Content-Type"), "text/xml");
  EXPECT_TRUE(HeaderOf(response, "x-amzn-RequestId").has_value());
  EXPECT_TRUE(HeaderOf(response, "Date").has_value());
  EXPECT_THAT(response.body, HasSubstr("<Arn>arn:aws:iam::123456789012:user/alice</Arn>"));
  EXPECT_EQ(actions_.last_user_agent, "Boto3/1.34");
  EXPECT_EQ(actions_.last_source_ip, "127.0.0.1");
  EXPECT_FALSE(response.ip_ttl.has_value());
}

TEST_F(StsRoutesTest, QueryArgumentsAreParameters) {
  Request request = MakeRequest("GET", "/", "10.1.2.3");
  request.query = {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}};
  EXPECT_EQ(routes_.Handle(request).status, 200);
  request.query = {{"Version", "2011-06-15"}};
  const Response redirect = routes_.Handle(request);
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(HeaderOf(redirect, "Location"), "https://aws.amazon.com/iam?Version=2011-06-15");
}

TEST_F(StsRoutesTest, ErrorsKeepTheirStatus) {
  auth_.refuse_with = stsapi::InvalidClientTokenIdError();
  Request request = MakeRequest("GET", "/", "127.0.0.1");
  request.query = {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}};
  const Response response = routes_.Handle(request);
  EXPECT_EQ(response.status, 403);
  EXPECT_THAT(response.body, HasSubstr("<Code>InvalidClientTokenId</Code>"));
}

TEST_F(StsRoutesTest, AuditIsServedToLoopbackOnly) {
  Request call = MakeRequest("GET", "/", "127.0.0.1");
  call.query = {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}};
  ASSERT_EQ(routes_.Handle(call).status, 200);

  for (const char* source : {"127.0.0.1", "127.8.9.10", "::1"}) {
    const Response audit = routes_.Handle(MakeRequest("GET", "/audit", source));
    EXPECT_EQ(audit.status, 200) << source;
    EXPECT_EQ(HeaderOf(audit, "Content-Type"), "application/json");
    EXPECT_THAT(audit.body, HasSubstr("\"eventName\":\"GetCallerIdentity\""));
    EXPECT_EQ(audit.body.front(), '[');
  }
  for (const char* source : {"10.0.0.5", "::2", "fe80::1"}) {
    const Response refused = routes_.Handle(MakeRequest("GET", "/audit", source));
    EXPECT_EQ(refused.status, 403) << source;
    EXPECT_THAT(refused.body, ::testing::Not(HasSubstr("eventName")));
  }
}

TEST_F(StsRoutesTest, WithoutARingAuditIsAnOrdinaryRequest) {
  StsRoutes plain(frontend_, nullptr);
  const Response response = plain.Handle(MakeRequest("GET", "/audit", "127.0.0.1"));
  EXPECT_EQ(response.status, 302);  // no Action
}

TEST(IsLoopbackTest, V4AndV6) {
  EXPECT_TRUE(IsLoopback(*net::IpAddress::Parse("127.0.0.1")));
  EXPECT_TRUE(IsLoopback(*net::IpAddress::Parse("::ffff:127.0.0.1")));
  EXPECT_TRUE(IsLoopback(*net::IpAddress::Parse("::1")));
  EXPECT_FALSE(IsLoopback(*net::IpAddress::Parse("::")));
  EXPECT_FALSE(IsLoopback(*net::IpAddress::Parse("128.0.0.1")));
}

}  // namespace
}  // namespace imdsd::http
