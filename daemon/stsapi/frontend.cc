#include "stsapi/frontend.h"

#include <array>
#include <cstdint>
#include <strings.h>
#include <type_traits>
#include <utility>

#include "common/time_format.h"
#include "stsapi/query.h"
#include "stsapi/xml.h"

namespace imdsd::stsapi {
namespace {

StsReply Reply(int status, std::string_view request_id, WallTime now) {
  StsReply reply;
  reply.status = status;
  reply.headers.reserve(3);
  reply.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  reply.headers.emplace_back("Date", FormatHttpDate(now));
  return reply;
}

template <typename T>
Outcome<AnyResponse> Widen(Outcome<T> outcome) {
  if (!outcome.ok()) return std::move(outcome).error();
  return AnyResponse(std::move(outcome).value());
}

}  // namespace

std::optional<std::string_view> StsRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

GetCallerIdentityResponse CallerIdentityResponseOf(const CallerIdentity& caller) {
  return GetCallerIdentityResponse{caller.principal_id, caller.account_id.ToString(), caller.arn};
}

std::string NewUuidV4(RandomSource& random) {
  std::array<std::uint8_t, 16> bytes{};
  random.Fill(bytes);
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xF];
  }
  return out;
}

struct StsFrontend::Exchange {
  AuditEvent event;
  std::optional<CallerIdentity> caller;
};

StsFrontend::StsFrontend(StsFrontendOptions options, const Clock& clock, RandomSource& random,
                         Authenticator& authenticator, StsActions& actions, AuditSink* audit)
    : options_(std::move(options)),
      clock_(clock),
      random_(random),
      authenticator_(authenticator),
      actions_(actions),
      audit_(audit) {}

StsReply StsFrontend::Handle(const StsRequest& request) const {
  const WallTime now = clock_.Now();
  const std::string request_id = NewUuidV4(random_);

  std::vector<Param> all;
  all.reserve(request.query.size() + 4);
  for (const auto& [name, value] : request.query) all.emplace_back(name, value);
  if (request.method == "POST" && IsFormContentType(request.Header("Content-Type").value_or(""))) {
    for (auto& param : ParseFormUrlEncoded(request.body)) all.push_back(std::move(param));
  }
  const QueryParams params(std::move(all));

  const std::optional<std::string_view> action_name = params.Find("Action");
  if (!action_name) {
    // What STS does for a request without an operation (observed): send the browser to IAM's
    // home page, keeping a GET request's query.
    StsReply reply = Reply(302, request_id, now);
    std::string location(kMissingActionLocation);
    if (request.method == "GET" && !request.query.empty()) {
      std::vector<Param> query;
      for (const auto& [name, value] : request.query) query.emplace_back(name, value);
      location += '?';
      location += EncodeQuery(query);
    }
    reply.headers.emplace_back("Location", std::move(location));
    return reply;
  }

  Exchange exchange;
  AuditEvent& event = exchange.event;
  event.event_time = now;
  event.event_name = std::string(*action_name);
  event.region = options_.region;
  event.source_ip = request.source_ip;
  event.user_agent = std::string(request.Header("User-Agent").value_or(""));
  event.request_id = request_id;

  const std::optional<std::string_view> version = params.Find("Version");
  const std::optional<Action> action = ActionFromName(*action_name);
  Outcome<AnyResponse> outcome =
      !action || !version || *version != kApiVersion
          ? Outcome<AnyResponse>(InvalidActionError(*action_name, version))
          : Run(request, *action, params, exchange);

  StsReply reply;
  if (outcome.ok()) {
    reply = Reply(200, request_id, now);
    reply.body = RenderXml(outcome.value(), request_id);
    event.response = std::move(outcome).value();
  } else {
    reply = Reply(outcome.error().http_status, request_id, now);
    reply.body = RenderErrorXml(outcome.error(), request_id);
    event.error = std::move(outcome).error();
  }
  reply.headers.emplace_back("Content-Type", "text/xml");
  Audit(exchange);
  return reply;
}

Outcome<AnyResponse> StsFrontend::Run(const StsRequest& request, Action action,
                                      const QueryParams& params, Exchange& exchange) const {
  AuditEvent& event = exchange.event;
  if (!IsUnsigned(action)) {
    auto caller = authenticator_.Authenticate(request, event.event_time);
    if (!caller.ok()) return std::move(caller).error();
    exchange.caller = std::move(caller).value();
    event.user_identity = AuditIdentityOf(*exchange.caller);
  }
  auto bound = BindRequest(action, params);
  if (!bound.ok()) return std::move(bound).error();
  event.request = std::move(bound).value();
  const CallContext context{exchange.caller ? &*exchange.caller : nullptr, event.source_ip,
                            event.user_agent, event.request_id, event.event_time};
  return Dispatch(context, event.request);
}

Outcome<AnyResponse> StsFrontend::Dispatch(const CallContext& context, AnyRequest& request) const {
  return std::visit(
      [&](const auto& r) -> Outcome<AnyResponse> {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, AssumeRoleRequest>) {
          return Widen(actions_.AssumeRole(context, r));
        } else if constexpr (std::is_same_v<T, AssumeRoleWithWebIdentityRequest>) {
          return Widen(actions_.AssumeRoleWithWebIdentity(context, r));
        } else if constexpr (std::is_same_v<T, GetCallerIdentityRequest>) {
          return Widen(actions_.GetCallerIdentity(context, r));
        } else if constexpr (std::is_same_v<T, GetSessionTokenRequest>) {
          return Widen(actions_.GetSessionToken(context, r));
        } else if constexpr (std::is_same_v<T, GetFederationTokenRequest>) {
          return Widen(actions_.GetFederationToken(context, r));
        } else if constexpr (std::is_same_v<T, GetAccessKeyInfoRequest>) {
          return Widen(actions_.GetAccessKeyInfo(context, r));
        } else if constexpr (std::is_same_v<T, DecodeAuthorizationMessageRequest>) {
          return Widen(actions_.DecodeAuthorizationMessage(context, r));
        } else {
          return InternalFailureError();
        }
      },
      request);
}

void StsFrontend::Audit(Exchange& exchange) const {
  if (audit_ == nullptr) return;
  AuditEvent& event = exchange.event;
  event.event_id = NewUuidV4(random_);
  if (const auto* web = std::get_if<AssumeRoleWithWebIdentityRequest>(&event.request)) {
    // Unsigned: the caller is the token's subject, and the role's account receives the event.
    AuditIdentity identity;
    identity.type = "WebIdentityUser";
    if (const auto* r = std::get_if<AssumeRoleWithWebIdentityResponse>(&event.response)) {
      identity.user_name = r->subject_from_web_identity_token;
      identity.principal_id =
          r->provider + ":" + r->audience + ":" + r->subject_from_web_identity_token;
    }
    event.user_identity = std::move(identity);
    event.recipient_account_id = ArnAccount(web->role_arn);
  }
  audit_->Append(AuditEventToJson(event));
}

}  // namespace imdsd::stsapi
