#include "iam/documents.h"

#include <chrono>

#include <gtest/gtest.h>

#include "sts/identifiers.h"

namespace imdsd::iam {
namespace {

sts::Credential ExampleCredential() {
  sts::Credential credential;
  credential.access_key_id = "ASIAQAAAAAAAAAAAAAAB";
  credential.secret_access_key = "abcdefghijklmnopqrstuvwxyz0123456789+/AB";
  credential.session_token = "c2Vzc2lvbi10b2tlbg-_";
  credential.issued_at = WallTime(std::chrono::seconds(1653397081));   // 2022-05-24T12:58:01Z
  credential.expires_at = WallTime(std::chrono::seconds(1653418702));  // 2022-05-24T18:58:22Z
  credential.role_arn = "arn:aws:iam::111111111111:role/app-role";
  credential.account_id = sts::AccountId::Parse("111111111111").value();
  return credential;
}

TEST(DocumentsTest, IamInfoIsEc2sDocument) {
  EXPECT_EQ(IamInfoDocument(WallTime(std::chrono::seconds(1632414183)),
                            "arn:aws:iam::111111111111:instance-profile/app-profile",
                            "AIPAZVTINAMEXAMPLE123"),
            "{\n"
            "  \"Code\" : \"Success\",\n"
            "  \"LastUpdated\" : \"2021-09-23T16:23:03Z\",\n"
            "  \"InstanceProfileArn\" : "
            "\"arn:aws:iam::111111111111:instance-profile/app-profile\",\n"
            "  \"InstanceProfileId\" : \"AIPAZVTINAMEXAMPLE123\"\n"
            "}");
}

TEST(DocumentsTest, LegacyCredentialIsEc2sDocument) {
  EXPECT_EQ(CredentialDocument(ExampleCredential(), CredentialFormat::kLegacy),
            "{\n"
            "  \"Code\" : \"Success\",\n"
            "  \"LastUpdated\" : \"2022-05-24T12:58:01Z\",\n"
            "  \"Type\" : \"AWS-HMAC\",\n"
            "  \"AccessKeyId\" : \"ASIAQAAAAAAAAAAAAAAB\",\n"
            "  \"SecretAccessKey\" : \"abcdefghijklmnopqrstuvwxyz0123456789+/AB\",\n"
            "  \"Token\" : \"c2Vzc2lvbi10b2tlbg-_\",\n"
            "  \"Expiration\" : \"2022-05-24T18:58:22Z\"\n"
            "}");
}

TEST(DocumentsTest, ExtendedCredentialAddsTheAccountLast) {
  EXPECT_EQ(CredentialDocument(ExampleCredential(), CredentialFormat::kExtended),
            "{\n"
            "  \"Code\" : \"Success\",\n"
            "  \"LastUpdated\" : \"2022-05-24T12:58:01Z\",\n"
            "  \"Type\" : \"AWS-HMAC\",\n"
            "  \"AccessKeyId\" : \"ASIAQAAAAAAAAAAAAAAB\",\n"
            "  \"SecretAccessKey\" : \"abcdefghijklmnopqrstuvwxyz0123456789+/AB\",\n"
            "  \"Token\" : \"c2Vzc2lvbi10b2tlbg-_\",\n"
            "  \"Expiration\" : \"2022-05-24T18:58:22Z\",\n"
            "  \"AccountId\" : \"111111111111\"\n"
            "}");
}

}  // namespace
}  // namespace imdsd::iam
