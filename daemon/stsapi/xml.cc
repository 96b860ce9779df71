#include "stsapi/xml.h"

#include <type_traits>

#include "common/time_format.h"

namespace imdsd::stsapi {
namespace {

void WriteCredentials(XmlWriter& w, const Credentials& c) {
  w.Open("Credentials");
  w.Leaf("AccessKeyId", c.access_key_id);
  w.Leaf("SecretAccessKey", c.secret_access_key);
  w.Leaf("SessionToken", c.session_token);
  w.Leaf("Expiration", FormatIso8601(c.expiration));
  w.Close();
}

void WriteAssumedRoleUser(XmlWriter& w, const AssumedRoleUser& user) {
  w.Open("AssumedRoleUser");
  w.Leaf("AssumedRoleId", user.assumed_role_id);
  w.Leaf("Arn", user.arn);
  w.Close();
}

void WriteBody(XmlWriter& w, const AssumeRoleResponse& r) {
  WriteAssumedRoleUser(w, r.assumed_role_user);
  WriteCredentials(w, r.credentials);
  if (r.packed_policy_size) w.Leaf("PackedPolicySize", std::to_string(*r.packed_policy_size));
  if (r.source_identity) w.Leaf("SourceIdentity", *r.source_identity);
}

void WriteBody(XmlWriter& w, const AssumeRoleWithWebIdentityResponse& r) {
  w.Leaf("SubjectFromWebIdentityToken", r.subject_from_web_identity_token);
  w.Leaf("Audience", r.audience);
  WriteAssumedRoleUser(w, r.assumed_role_user);
  WriteCredentials(w, r.credentials);
  w.Leaf("Provider", r.provider);
  if (r.packed_policy_size) w.Leaf("PackedPolicySize", std::to_string(*r.packed_policy_size));
  if (r.source_identity) w.Leaf("SourceIdentity", *r.source_identity);
}

void WriteBody(XmlWriter& w, const GetCallerIdentityResponse& r) {
  w.Leaf("Arn", r.arn);
  w.Leaf("UserId", r.user_id);
  w.Leaf("Account", r.account);
}

void WriteBody(XmlWriter& w, const GetSessionTokenResponse& r) {
  WriteCredentials(w, r.credentials);
}

void WriteBody(XmlWriter& w, const GetFederationTokenResponse& r) {
  WriteCredentials(w, r.credentials);
  w.Open("FederatedUser");
  w.Leaf("FederatedUserId", r.federated_user.federated_user_id);
  w.Leaf("Arn", r.federated_user.arn);
  w.Close();
  if (r.packed_policy_size) w.Leaf("PackedPolicySize", std::to_string(*r.packed_policy_size));
}

void WriteBody(XmlWriter& w, const GetAccessKeyInfoResponse& r) { w.Leaf("Account", r.account); }

void WriteBody(XmlWriter& w, const DecodeAuthorizationMessageResponse& r) {
  w.Leaf("DecodedMessage", r.decoded_message);
}

template <typename T>
constexpr std::string_view OperationOf() {
  if constexpr (std::is_same_v<T, AssumeRoleResponse>) return "AssumeRole";
  if constexpr (std::is_same_v<T, AssumeRoleWithWebIdentityResponse>) {
    return "AssumeRoleWithWebIdentity";
  }
  if constexpr (std::is_same_v<T, GetCallerIdentityResponse>) return "GetCallerIdentity";
  if constexpr (std::is_same_v<T, GetSessionTokenResponse>) return "GetSessionToken";
  if constexpr (std::is_same_v<T, GetFederationTokenResponse>) return "GetFederationToken";
  if constexpr (std::is_same_v<T, GetAccessKeyInfoResponse>) return "GetAccessKeyInfo";
  if constexpr (std::is_same_v<T, DecodeAuthorizationMessageResponse>) {
    return "DecodeAuthorizationMessage";
  }
  return "";
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

void XmlWriter::Indent() { out_.append(open_.size() * 2, ' '); }

void XmlWriter::Open(std::string_view name, std::string_view xmlns) {
  Indent();
  out_ += '<';
  out_ += name;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    out_ += XmlEscape(xmlns);  // a constant without quotes
    out_ += '"';
  }
  out_ += ">\n";
  open_.emplace_back(name);
}

void XmlWriter::Leaf(std::string_view name, std::string_view text) {
  Indent();
  out_ += '<';
  out_ += name;
  out_ += '>';
  out_ += XmlEscape(text);
  out_ += "</";
  out_ += name;
  out_ += ">\n";
}

void XmlWriter::Close() {
  if (open_.empty()) return;
  std::string name = std::move(open_.back());
  open_.pop_back();
  Indent();
  out_ += "</";
  out_ += name;
  out_ += ">\n";
}

std::string RenderXml(const AnyResponse& response, std::string_view request_id) {
  return std::visit(
      [&](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "";
        } else {
          const std::string op(OperationOf<T>());
          XmlWriter w;
          w.Open(op + "Response", kStsNamespace);
          w.Open(op + "Result");
          WriteBody(w, r);
          w.Close();
          w.Open("ResponseMetadata");
          w.Leaf("RequestId", request_id);
          w.Close();
          w.Close();
          return w.Take();
        }
      },
      response);
}

std::string RenderErrorXml(const StsError& error, std::string_view request_id) {
  XmlWriter w;
  w.Open("ErrorResponse", error.aws_fault_namespace ? kAwsFaultNamespace : kStsNamespace);
  w.Open("Error");
  w.Leaf("Type", error.type == FaultType::kSender ? "Sender" : "Receiver");
  w.Leaf("Code", error.code);
  if (!error.message.empty()) w.Leaf("Message", error.message);
  w.Close();
  w.Leaf("RequestId", request_id);
  w.Close();
  return w.Take();
}

}  // namespace imdsd::stsapi
