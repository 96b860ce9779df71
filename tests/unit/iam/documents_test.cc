#include "iam/documents.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

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

TEST(DocumentsTest, RenderedDocumentIsRememberedPerCredential) {
  const auto credential = std::make_shared<const sts::Credential>(ExampleCredential());
  const std::string& first = RenderedCredentialDocument(credential, CredentialFormat::kLegacy);
  EXPECT_EQ(first, CredentialDocument(*credential, CredentialFormat::kLegacy));
  const std::string& again = RenderedCredentialDocument(credential, CredentialFormat::kLegacy);
  EXPECT_EQ(&again, &first);  // served from the memo, not rendered into a new entry
  EXPECT_EQ(RenderedCredentialDocument(credential, CredentialFormat::kExtended),
            CredentialDocument(*credential, CredentialFormat::kExtended));
  EXPECT_EQ(RenderedCredentialDocument(credential, CredentialFormat::kLegacy),
            CredentialDocument(*credential, CredentialFormat::kLegacy));
}

TEST(DocumentsTest, RenderedDocumentFollowsARotation) {
  auto current = std::make_shared<const sts::Credential>(ExampleCredential());
  for (int rotation = 0; rotation < 10; ++rotation) {
    sts::Credential next = *current;
    next.access_key_id = "ASIAQAAAAAAAAAAAAA" + std::to_string(10 + rotation);
    next.issued_at += std::chrono::hours(1);
    next.expires_at += std::chrono::hours(1);
    current = std::make_shared<const sts::Credential>(std::move(next));
    EXPECT_EQ(RenderedCredentialDocument(current, CredentialFormat::kLegacy),
              CredentialDocument(*current, CredentialFormat::kLegacy));
  }
  // An equal credential in another object is still rendered from its own bytes.
  const auto copy = std::make_shared<const sts::Credential>(*current);
  EXPECT_EQ(RenderedCredentialDocument(copy, CredentialFormat::kLegacy),
            CredentialDocument(*current, CredentialFormat::kLegacy));
}

TEST(DocumentsTest, RenderedDocumentsOnManyThreads) {
  std::vector<std::shared_ptr<const sts::Credential>> credentials;
  for (int i = 0; i < 6; ++i) {
    sts::Credential credential = ExampleCredential();
    credential.access_key_id = "ASIAQAAAAAAAAAAAAA" + std::to_string(10 + i);
    credentials.push_back(std::make_shared<const sts::Credential>(std::move(credential)));
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto& credential = credentials[(i * (t + 1)) % credentials.size()];
        const auto format = i % 3 == 0 ? CredentialFormat::kExtended : CredentialFormat::kLegacy;
        if (RenderedCredentialDocument(credential, format) !=
            CredentialDocument(*credential, format)) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace imdsd::iam
