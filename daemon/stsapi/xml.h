#pragma once
// The STS XML documents, byte for byte as live STS writes them: two-space indentation, one
// element per line, a final newline, no XML declaration (reference sts.md §2-§3 and captures).
//
//   <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
//     <GetCallerIdentityResult>
//       <Arn>…</Arn>
//     …
//     <ResponseMetadata>
//       <RequestId>…</RequestId>
//     </ResponseMetadata>
//   </GetCallerIdentityResponse>
//
// Element order follows live STS where it was seen (AssumeRole: AssumedRoleUser, then
// Credentials as AccessKeyId, SecretAccessKey, SessionToken, Expiration, then SourceIdentity);
// SDKs match elements by name, so the rest follows the model. Expiration is ISO 8601 UTC in
// whole seconds. Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "stsapi/errors.h"
#include "stsapi/responses.h"

namespace imdsd::stsapi {

inline constexpr std::string_view kStsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";
inline constexpr std::string_view kAwsFaultNamespace =
    "http://webservices.amazon.com/AWSFault/2005-15-09";

// Escapes &, < and > (quotes stay literal, as in STS's own "Value 'x' at ..." messages).
// Control characters other than tab, LF and CR cannot appear in XML 1.0 and become U+FFFD.
std::string XmlEscape(std::string_view text);

// Builds an indented document; every text is escaped. Not thread-safe (one per document).
class XmlWriter {
 public:
  void Open(std::string_view name, std::string_view xmlns = {});
  void Leaf(std::string_view name, std::string_view text);
  void Close();
  std::string Take() { return std::move(out_); }

 private:
  void Indent();
  std::string out_;
  std::vector<std::string> open_;
};

// The success document for each response; `request_id` goes into ResponseMetadata.
std::string RenderXml(const AnyResponse& response, std::string_view request_id);
// <ErrorResponse> for `error`.
std::string RenderErrorXml(const StsError& error, std::string_view request_id);

}  // namespace imdsd::stsapi
