#include "stsapi/xml.h"

#include <chrono>

#include <gtest/gtest.h>

namespace imdsd::stsapi {
namespace {

constexpr char kRequestId[] = "c6104cbe-af31-11e0-8154-cbc7ccf896c7";

WallTime At(std::int64_t epoch_seconds) { return WallTime(std::chrono::seconds(epoch_seconds)); }

TEST(XmlEscapeTest, EscapesMarkupButNotQuotes) {
  EXPECT_EQ(XmlEscape("a&b<c>d'e\"f"), "a&amp;b&lt;c&gt;d'e\"f");
  EXPECT_EQ(XmlEscape("tab\tnl\n"), "tab\tnl\n");
  EXPECT_EQ(XmlEscape(std::string("nul\x01")), "nul\xEF\xBF\xBD");
}

// sts.md §5.2, the example document.
TEST(RenderXmlTest, GetCallerIdentityMatchesTheReference) {
  GetCallerIdentityResponse r{"AROA3XFRBF535PLBIFPI4:my-role-session-name", "123456789012",
                              "arn:aws:sts::123456789012:assumed-role/my-role-name/"
                              "my-role-session-name"};
  EXPECT_EQ(RenderXml(r, kRequestId),
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
            "  <GetCallerIdentityResult>\n"
            "    <Arn>arn:aws:sts::123456789012:assumed-role/my-role-name/my-role-session-name"
            "</Arn>\n"
            "    <UserId>AROA3XFRBF535PLBIFPI4:my-role-session-name</UserId>\n"
            "    <Account>123456789012</Account>\n"
            "  </GetCallerIdentityResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</GetCallerIdentityResponse>\n");
}

// sts.md §2's AssumeRole example, in the element order live STS uses.
TEST(RenderXmlTest, AssumeRoleWithEveryElement) {
  AssumeRoleResponse r;
  r.credentials = {"ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
                   "AQoDYXdzEPT//////////wEXAMPLE+a/b=", At(1563233313)};
  r.assumed_role_user = {"AROA3XFRBF535PLBIFPI4:John",
                         "arn:aws:sts::123456789012:assumed-role/demo/John"};
  r.packed_policy_size = 8;
  r.source_identity = "DevUser123";
  EXPECT_EQ(RenderXml(r, kRequestId),
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
            "  <AssumeRoleResult>\n"
            "    <AssumedRoleUser>\n"
            "      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:John</AssumedRoleId>\n"
            "      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>\n"
            "    </AssumedRoleUser>\n"
            "    <Credentials>\n"
            "      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
            "      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
            "      <SessionToken>AQoDYXdzEPT//////////wEXAMPLE+a/b=</SessionToken>\n"
            "      <Expiration>2019-07-15T23:28:33Z</Expiration>\n"
            "    </Credentials>\n"
            "    <PackedPolicySize>8</PackedPolicySize>\n"
            "    <SourceIdentity>DevUser123</SourceIdentity>\n"
            "  </AssumeRoleResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</AssumeRoleResponse>\n");
}

TEST(RenderXmlTest, AssumeRoleOmitsAbsentOptionals) {
  AssumeRoleResponse r;
  const std::string xml = RenderXml(r, kRequestId);
  EXPECT_EQ(xml.find("PackedPolicySize"), std::string::npos);
  EXPECT_EQ(xml.find("SourceIdentity"), std::string::npos);
}

TEST(RenderXmlTest, OtherResultsUseTheirWrappers) {
  GetFederationTokenResponse federation;
  federation.federated_user = {"123456789012:bob", "arn:aws:sts::123456789012:federated-user/bob"};
  const std::string xml = RenderXml(federation, kRequestId);
  EXPECT_NE(xml.find("<GetFederationTokenResponse xmlns="), std::string::npos);
  EXPECT_NE(xml.find("  <GetFederationTokenResult>\n    <Credentials>\n"), std::string::npos);
  EXPECT_NE(xml.find("    <FederatedUser>\n      <FederatedUserId>123456789012:bob"),
            std::string::npos);
  EXPECT_NE(RenderXml(GetAccessKeyInfoResponse{"111122223333"}, kRequestId)
                .find("  <GetAccessKeyInfoResult>\n    <Account>111122223333</Account>\n"),
            std::string::npos);
  EXPECT_NE(RenderXml(GetSessionTokenResponse{}, kRequestId).find("<GetSessionTokenResult>"),
            std::string::npos);
  EXPECT_NE(RenderXml(AssumeRoleWithWebIdentityResponse{}, kRequestId)
                .find("<SubjectFromWebIdentityToken>"),
            std::string::npos);
  EXPECT_NE(RenderXml(DecodeAuthorizationMessageResponse{"{\"allowed\":false}"}, kRequestId)
                .find("<DecodedMessage>{\"allowed\":false}</DecodedMessage>"),
            std::string::npos);
}

// sts.md §3, the captured error.
TEST(RenderErrorXmlTest, MatchesTheReference) {
  EXPECT_EQ(RenderErrorXml(InvalidClientTokenIdError(), "16fc956c-311e-4199-bee1-1680236e9698"),
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
            "  <Error>\n"
            "    <Type>Sender</Type>\n"
            "    <Code>InvalidClientTokenId</Code>\n"
            "    <Message>The security token included in the request is invalid.</Message>\n"
            "  </Error>\n"
            "  <RequestId>16fc956c-311e-4199-bee1-1680236e9698</RequestId>\n"
            "</ErrorResponse>\n");
}

TEST(RenderErrorXmlTest, InvalidActionUsesTheAwsFaultNamespace) {
  const std::string xml =
      RenderErrorXml(InvalidActionError("NoSuchAction", "2011-06-15"), kRequestId);
  EXPECT_EQ(xml.substr(0, xml.find('\n')),
            "<ErrorResponse xmlns=\"http://webservices.amazon.com/AWSFault/2005-15-09\">");
  EXPECT_NE(xml.find("<Message>Could not find operation NoSuchAction for version "
                     "2011-06-15</Message>"),
            std::string::npos);
}

TEST(RenderErrorXmlTest, NoMessageElementWhenAwsSendsNone) {
  const std::string xml = RenderErrorXml(MalformedIntegerError("abc"), kRequestId);
  EXPECT_EQ(xml.find("<Message>"), std::string::npos);
  EXPECT_NE(xml.find("    <Code>MalformedInput</Code>\n  </Error>\n"), std::string::npos);
}

TEST(RenderErrorXmlTest, ReceiverFaultsAndEscaping) {
  EXPECT_NE(RenderErrorXml(InternalFailureError(), kRequestId).find("<Type>Receiver</Type>"),
            std::string::npos);
  const std::string xml = RenderErrorXml(
      NotAuthorizedError("arn:aws:iam::1:user/a<b>", "AssumeRole", "arn:x&y"), kRequestId);
  EXPECT_NE(xml.find("<Message>User: arn:aws:iam::1:user/a&lt;b&gt; is not authorized to perform: "
                     "sts:AssumeRole on resource: arn:x&amp;y</Message>"),
            std::string::npos);
}

}  // namespace
}  // namespace imdsd::stsapi
