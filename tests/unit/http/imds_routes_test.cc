#include "http/imds_routes.h"

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fake_clock.h"

namespace imdsd::http {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;

constexpr char kLastModified[] = "Thu, 01 Jan 2026 00:00:00 GMT";

// Collects entries as owned copies: AccessEntry only borrows its strings.
struct CapturedEntry {
  std::string tenant;
  std::string source;
  std::string method;
  std::string path;
  int status = 0;
  std::int64_t duration_us = 0;
};

class CapturingAccessLog final : public AccessLog {
 public:
  void Record(const AccessEntry& entry) override {
    entries.push_back({std::string(entry.tenant), entry.source.ToString(),
                       std::string(entry.method), std::string(entry.path), entry.status,
                       entry.duration_us});
  }
  std::vector<CapturedEntry> entries;
};

imds::ImdsReply Reply(imds::Outcome outcome, std::string body = "") {
  imds::ImdsReply reply;
  reply.outcome = outcome;
  reply.body = std::move(body);
  reply.tenant = "web-1";
  return reply;
}

std::optional<std::string> HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// Holds the fakes, the backend's canned reply and what the backend saw.
class ImdsRoutesTest : public ::testing::Test {
 protected:
  ImdsRoutesTest()
      : routes_(
            [this](const imds::ImdsRequest& request) {
              ++backend_calls_;
              seen_token_ =
                  request.token ? std::optional<std::string>(*request.token) : std::nullopt;
              seen_ttl_ =
                  request.token_ttl ? std::optional<std::string>(*request.token_ttl) : std::nullopt;
              seen_forwarded_for_ = request.has_forwarded_for;
              clock_.Advance(backend_time_);
              return reply_;
            },
            clock_, &access_log_) {}

  Request MakeRequest(std::string_view method, std::string_view path) {
    Request request;
    request.method = method;
    request.path = path;
    request.version = "HTTP/1.1";
    request.source = *net::IpAddress::Parse("10.0.0.5");
    request.local = *net::IpAddress::Parse("169.254.169.254");
    return request;
  }

  testing::FakeClock clock_;
  CapturingAccessLog access_log_;
  imds::ImdsReply reply_ = Reply(imds::Outcome::kData, "i-0123456789abcdef0");
  std::chrono::microseconds backend_time_{0};
  int backend_calls_ = 0;
  std::optional<std::string> seen_token_;
  std::optional<std::string> seen_ttl_;
  bool seen_forwarded_for_ = false;
  ImdsRoutes routes_;
};

TEST_F(ImdsRoutesTest, NotFoundPageIsEc2sBytes) {
  // Verbatim from the ndbench capture (reference §5.1), plus the final newline.
  EXPECT_EQ(ErrorPage(404),
            "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
            "         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
            " <head>\n"
            "  <title>404 - Not Found</title>\n"
            " </head>\n"
            " <body>\n"
            "  <h1>404 - Not Found</h1>\n"
            " </body>\n"
            "</html>\n");
}

TEST_F(ImdsRoutesTest, ErrorPagesDifferOnlyInTheStatusText) {
  for (const auto& [status, text] :
       std::vector<std::pair<int, std::string>>{{400, "400 - Bad Request"},
                                                {401, "401 - Unauthorized"},
                                                {405, "405 - Method Not Allowed"},
                                                {417, "417 - Expectation Failed"}}) {
    std::string expected = ErrorPage(404);
    for (std::size_t at; (at = expected.find("404 - Not Found")) != std::string::npos;) {
      expected.replace(at, 15, text);
    }
    EXPECT_EQ(ErrorPage(status), expected) << status;
  }
}

TEST_F(ImdsRoutesTest, DataIsPlainTextWithEc2Headers) {
  const Response response =
      ToResponse(Reply(imds::Outcome::kData, "ami-id\nhostname"), kLastModified);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ami-id\nhostname");
  EXPECT_THAT(response.headers,
              ElementsAre(Pair("Content-Type", "text/plain"), Pair("Accept-Ranges", "bytes"),
                          Pair("Last-Modified", kLastModified), Pair("Server", "EC2ws")));
  EXPECT_EQ(response.ip_ttl, std::nullopt);
  EXPECT_FALSE(response.close_connection);
}

TEST_F(ImdsRoutesTest, DataWithATokenCarriesItsRemainingLifetime) {
  imds::ImdsReply reply = Reply(imds::Outcome::kData, "x");
  reply.token_ttl_seconds = 17;
  const Response response = ToResponse(reply, kLastModified);
  EXPECT_EQ(HeaderOf(response, "X-Aws-Ec2-Metadata-Token-Ttl-Seconds"), "17");
}

TEST_F(ImdsRoutesTest, TokenReplyCarriesTtlAndHopLimit) {
  imds::ImdsReply reply = Reply(imds::Outcome::kToken, "AQAAAEWydq6w3EXg==");
  reply.token_ttl_seconds = 21600;
  reply.hop_limit = 2;
  const Response response = ToResponse(reply, kLastModified);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "AQAAAEWydq6w3EXg==");
  EXPECT_THAT(response.headers, ElementsAre(Pair("Content-Type", "text/plain"),
                                            Pair("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", "21600"),
                                            Pair("Server", "EC2ws")));
  EXPECT_EQ(response.ip_ttl, 2);
}

TEST_F(ImdsRoutesTest, ForbiddenIsEmptyPlainText) {
  const Response response = ToResponse(Reply(imds::Outcome::kForbidden, "ignored"), kLastModified);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, "");
  EXPECT_THAT(response.headers,
              ElementsAre(Pair("Content-Type", "text/plain"), Pair("Server", "EC2ws")));
}

TEST_F(ImdsRoutesTest, ErrorOutcomesGetTheirPage) {
  for (const auto& [outcome, status] :
       std::vector<std::pair<imds::Outcome, int>>{{imds::Outcome::kBadRequest, 400},
                                                  {imds::Outcome::kUnauthorized, 401},
                                                  {imds::Outcome::kNotFound, 404}}) {
    const Response response = ToResponse(Reply(outcome), kLastModified);
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(response.body, ErrorPage(status));
    EXPECT_THAT(response.headers,
                ElementsAre(Pair("Content-Type", "text/html"), Pair("Server", "EC2ws")));
    EXPECT_EQ(response.ip_ttl, std::nullopt);
  }
}

TEST_F(ImdsRoutesTest, MethodNotAllowedNamesTheAllowedMethods) {
  const Response response = ToResponse(Reply(imds::Outcome::kMethodNotAllowed), kLastModified);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.body, ErrorPage(405));
  EXPECT_THAT(response.headers, Contains(Pair("Allow", "OPTIONS, PUT")));
  EXPECT_THAT(response.headers, Contains(Pair("Server", "EC2ws")));
}

TEST_F(ImdsRoutesTest, ImdsHeadersAreFoundWhateverTheirCase) {
  Request request = MakeRequest("PUT", "/latest/api/token");
  request.headers = {{"x-aws-ec2-metadata-token-ttl-seconds", "300"},
                     {"X-AWS-EC2-METADATA-TOKEN", "tok"},
                     {"x-forwarded-for", "1.2.3.4"}};
  const imds::ImdsRequest out = ToImdsRequest(request);
  EXPECT_EQ(out.method, "PUT");
  EXPECT_EQ(out.path, "/latest/api/token");
  EXPECT_EQ(out.token_ttl, "300");
  EXPECT_EQ(out.token, "tok");
  EXPECT_TRUE(out.has_forwarded_for);
  EXPECT_EQ(out.source, request.source);
  EXPECT_EQ(out.local, request.local);
}

TEST_F(ImdsRoutesTest, AbsentHeadersStayAbsent) {
  const imds::ImdsRequest out = ToImdsRequest(MakeRequest("GET", "/"));
  EXPECT_EQ(out.token, std::nullopt);
  EXPECT_EQ(out.token_ttl, std::nullopt);
  EXPECT_FALSE(out.has_forwarded_for);
}

TEST_F(ImdsRoutesTest, HandlePassesHeadersToTheBackendAndMapsItsReply) {
  Request request = MakeRequest("GET", "/latest/meta-data/instance-id");
  request.headers = {{"X-aws-ec2-metadata-token", "tok"}};
  const Response response = routes_.Handle(request);
  EXPECT_EQ(backend_calls_, 1);
  EXPECT_EQ(seen_token_, "tok");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "i-0123456789abcdef0");
  // Last-Modified is the construction time of the routes (the fake clock's start).
  EXPECT_EQ(HeaderOf(response, "Last-Modified"), kLastModified);
}

TEST_F(ImdsRoutesTest, ExpectContinueIsRefusedWithoutAskingTheBackend) {
  Request request = MakeRequest("PUT", "/latest/api/token");
  request.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}, {"expect", "100-Continue"}};
  const Response response = routes_.Handle(request);
  EXPECT_EQ(backend_calls_, 0);
  EXPECT_EQ(response.status, 417);
  EXPECT_EQ(response.body, ErrorPage(417));
  EXPECT_TRUE(response.close_connection);
  ASSERT_EQ(access_log_.entries.size(), 1u);
  EXPECT_EQ(access_log_.entries[0].status, 417);
}

TEST_F(ImdsRoutesTest, OtherExpectationsAreNotRefused) {
  Request request = MakeRequest("GET", "/");
  request.headers = {{"Expect", "100-continue-ish"}};
  EXPECT_EQ(routes_.Handle(request).status, 200);
  EXPECT_EQ(backend_calls_, 1);
}

TEST_F(ImdsRoutesTest, AccessLogGetsOneEntryWithTheTimeSpent) {
  backend_time_ = std::chrono::microseconds(1234);
  reply_ = Reply(imds::Outcome::kNotFound);
  routes_.Handle(MakeRequest("HEAD", "/latest/nope"));
  ASSERT_EQ(access_log_.entries.size(), 1u);
  const CapturedEntry& entry = access_log_.entries[0];
  EXPECT_EQ(entry.tenant, "web-1");
  EXPECT_EQ(entry.source, "10.0.0.5");
  EXPECT_EQ(entry.method, "HEAD");
  EXPECT_EQ(entry.path, "/latest/nope");
  EXPECT_EQ(entry.status, 404);
  EXPECT_EQ(entry.duration_us, 1234);
}

TEST_F(ImdsRoutesTest, AccessLogNeverSeesTheToken) {
  imds::ImdsReply token = Reply(imds::Outcome::kToken, "SECRET-TOKEN-TEXT");
  token.token_ttl_seconds = 60;
  reply_ = token;
  Request request = MakeRequest("PUT", "/latest/api/token");
  request.headers = {{"X-aws-ec2-metadata-token", "OTHER-SECRET"}};
  routes_.Handle(request);
  ASSERT_EQ(access_log_.entries.size(), 1u);
  const CapturedEntry& entry = access_log_.entries[0];
  for (const std::string& field : {entry.tenant, entry.source, entry.method, entry.path}) {
    EXPECT_THAT(field, Not(::testing::HasSubstr("SECRET")));
  }
}

TEST_F(ImdsRoutesTest, WorksWithoutAnAccessLog) {
  const ImdsRoutes routes([](const imds::ImdsRequest&) { return Reply(imds::Outcome::kForbidden); },
                          clock_, nullptr);
  EXPECT_EQ(routes.Handle(MakeRequest("GET", "/")).status, 403);
  EXPECT_THAT(access_log_.entries, IsEmpty());
}

TEST_F(ImdsRoutesTest, MakeImdsHandlerCallsTheRoutes) {
  const Handler handler = MakeImdsHandler(routes_);
  EXPECT_EQ(handler(MakeRequest("GET", "/")).status, 200);
  EXPECT_EQ(backend_calls_, 1);
}

}  // namespace
}  // namespace imdsd::http
