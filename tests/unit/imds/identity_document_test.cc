#include "imds/identity_document.h"

#include <gtest/gtest.h>

#include "imds/aws_json.h"
#include "imds_fixture.h"

namespace imdsd::imds {
namespace {

class IdentityDocumentTest : public ImdsFixture {};

TEST_F(IdentityDocumentTest, MatchesEc2FormatExactly) {
  EXPECT_EQ(BuildIdentityDocument(WebInstance()),
            "{\n"
            "  \"accountId\" : \"123456789012\",\n"
            "  \"architecture\" : \"x86_64\",\n"
            "  \"availabilityZone\" : \"us-east-1a\",\n"
            "  \"billingProducts\" : null,\n"
            "  \"devpayProductCodes\" : null,\n"
            "  \"marketplaceProductCodes\" : null,\n"
            "  \"imageId\" : \"ami-0abcdef1234567890\",\n"
            "  \"instanceId\" : \"i-0123456789abcdef0\",\n"
            "  \"instanceType\" : \"t3.micro\",\n"
            "  \"kernelId\" : null,\n"
            "  \"pendingTime\" : \"2025-12-31T23:00:00Z\",\n"
            "  \"privateIp\" : \"10.0.1.10\",\n"
            "  \"ramdiskId\" : null,\n"
            "  \"region\" : \"us-east-1\",\n"
            "  \"version\" : \"2017-09-30\"\n"
            "}");
}

TEST_F(IdentityDocumentTest, KernelAndRamdiskWhenSet) {
  config::Instance instance = WebInstance();
  instance.kernel_id = "aki-12345678";
  instance.ramdisk_id = "ari-12345678";
  const std::string doc = BuildIdentityDocument(instance);
  EXPECT_NE(doc.find("  \"kernelId\" : \"aki-12345678\",\n"), std::string::npos);
  EXPECT_NE(doc.find("  \"ramdiskId\" : \"ari-12345678\",\n"), std::string::npos);
}

TEST_F(IdentityDocumentTest, JsonStringsAreEscaped) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\t\x01\x1f/é"), "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f/é\"");
  EXPECT_EQ(AwsJsonObject().Build(), "{}");
  EXPECT_EQ(AwsJsonObject().AddString("k\"", "v").AddNull("n").Build(),
            "{\n  \"k\\\"\" : \"v\",\n  \"n\" : null\n}");
}

}  // namespace
}  // namespace imdsd::imds
