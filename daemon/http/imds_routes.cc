#include "http/imds_routes.h"

#include <chrono>
#include <strings.h>
#include <utility>

#include <spdlog/spdlog.h>

#include "common/time_format.h"

namespace imdsd::http {
namespace {

constexpr std::string_view kServer = "EC2ws";
constexpr std::string_view kExpectationFailedText = "417 - Expectation Failed";

std::string_view StatusText(int status) {
  switch (status) {
    case 400:
      return "400 - Bad Request";
    case 401:
      return "401 - Unauthorized";
    case 404:
      return "404 - Not Found";
    case 405:
      return "405 - Method Not Allowed";
    case 417:
      return kExpectationFailedText;
    default:
      return "500 - Internal Server Error";
  }
}

int StatusFor(imds::Outcome outcome) {
  switch (outcome) {
    case imds::Outcome::kData:
    case imds::Outcome::kToken:
      return 200;
    case imds::Outcome::kBadRequest:
      return 400;
    case imds::Outcome::kUnauthorized:
      return 401;
    case imds::Outcome::kForbidden:
      return 403;
    case imds::Outcome::kNotFound:
      return 404;
    case imds::Outcome::kMethodNotAllowed:
      return 405;
  }
  return 500;
}

Response ErrorPageResponse(int status) {
  Response response;
  response.status = status;
  response.headers = {{"Content-Type", "text/html"}, {"Server", std::string(kServer)}};
  response.body = ErrorPage(status);
  return response;
}

}  // namespace

std::string ErrorPage(int status) {
  const std::string_view text = StatusText(status);
  std::string page;
  page.reserve(400);
  page += "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n";
  page += "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n";
  page += "         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n";
  page += "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n";
  page += " <head>\n";
  page += "  <title>";
  page += text;
  page += "</title>\n";
  page += " </head>\n";
  page += " <body>\n";
  page += "  <h1>";
  page += text;
  page += "</h1>\n";
  page += " </body>\n";
  page += "</html>\n";
  return page;
}

imds::ImdsRequest ToImdsRequest(const Request& request) {
  imds::ImdsRequest out;
  out.method = request.method;
  out.path = request.path;
  out.source = request.source;
  out.local = request.local;
  out.token = request.Header(kTokenHeader);
  out.token_ttl = request.Header(kTokenTtlHeader);
  out.has_forwarded_for = request.Header("X-Forwarded-For").has_value();
  return out;
}

Response ToResponse(const imds::ImdsReply& reply, std::string_view last_modified) {
  const int status = StatusFor(reply.outcome);
  switch (reply.outcome) {
    case imds::Outcome::kData:
    case imds::Outcome::kToken: {
      Response response;
      response.status = status;
      response.headers.reserve(5);
      response.headers.emplace_back("Content-Type", "text/plain");
      if (reply.outcome == imds::Outcome::kData) {
        response.headers.emplace_back("Accept-Ranges", "bytes");
        response.headers.emplace_back("Last-Modified", std::string(last_modified));
      } else {
        // The hop limit only ever applies to the token reply (reference §2).
        response.ip_ttl = reply.hop_limit;
      }
      if (reply.token_ttl_seconds) {
        response.headers.emplace_back(std::string(kTokenTtlReplyHeader),
                                      std::to_string(*reply.token_ttl_seconds));
      }
      response.headers.emplace_back("Server", std::string(kServer));
      response.body = reply.body;
      return response;
    }
    case imds::Outcome::kForbidden: {
      // EC2 refuses with an empty text/plain 403, never a page (reference §5.1).
      Response response;
      response.status = status;
      response.headers = {{"Content-Type", "text/plain"}, {"Server", std::string(kServer)}};
      return response;
    }
    case imds::Outcome::kMethodNotAllowed: {
      Response response = ErrorPageResponse(status);
      response.headers.emplace_back("Allow", "OPTIONS, PUT");
      return response;
    }
    case imds::Outcome::kBadRequest:
    case imds::Outcome::kUnauthorized:
    case imds::Outcome::kNotFound:
      return ErrorPageResponse(status);
  }
  return ErrorPageResponse(500);
}

bool WantsContinue(const Request& request) {
  auto expect = request.Header("Expect");
  return expect && expect->size() == 12 && strncasecmp(expect->data(), "100-continue", 12) == 0;
}

Response ExpectationFailedResponse() {
  Response response = ErrorPageResponse(417);
  // The client may be sending the body anyway; the connection cannot be reused after it.
  response.close_connection = true;
  return response;
}

ImdsRoutes::ImdsRoutes(Backend backend, const Clock& clock, AccessLog* access_log)
    : backend_(std::move(backend)),
      clock_(clock),
      access_log_(access_log),
      last_modified_(FormatHttpDate(clock.Now())) {}

Response ImdsRoutes::Handle(const Request& request) const {
  // Only the access log needs the duration; the clock is read twice per request otherwise.
  const MonotonicTime start = access_log_ != nullptr ? clock_.MonotonicNow() : MonotonicTime();
  Response response;
  imds::ImdsReply reply;
  if (WantsContinue(request)) {
    response = ExpectationFailedResponse();
    reply.refusal_reason = "Expect: 100-continue is not supported";
  } else {
    reply = backend_(ToImdsRequest(request));
    response = ToResponse(reply, last_modified_);
  }
  if (!reply.refusal_reason.empty()) {
    // 403s are policy refusals an operator wants to see; 400/401/404/405 are ordinary client
    // traffic (SDKs probe and retry), so they stay at info.
    spdlog::log(response.status == 403 ? spdlog::level::warn : spdlog::level::info,
                "refused {} \"{}\" from {} (tenant {}) with {}: {}",
                PrintableForLog(request.method, 16), PrintableForLog(request.path),
                request.source.ToString(), reply.tenant.empty() ? "none" : reply.tenant,
                response.status, reply.refusal_reason);
  }
  if (access_log_ != nullptr) {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(clock_.MonotonicNow() - start);
    access_log_->Record(AccessEntry{reply.tenant, request.source, request.method, request.path,
                                    response.status, elapsed.count()});
  }
  return response;
}

Handler MakeImdsHandler(const ImdsRoutes& routes) {
  return [&routes](const Request& request) { return routes.Handle(request); };
}

}  // namespace imdsd::http
