#include "imds/imds_service.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "imds/identity_document.h"
#include "imds_fixture.h"

namespace imdsd::imds {
namespace {

using ::imdsd::testing::IsOk;
using ::imdsd::testing::StatusIs;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kWeb[] = "10.0.1.5";
constexpr char kDb[] = "10.0.2.9";

class ImdsServiceTest : public ImdsFixture {
 protected:
  void SetUp() override { StartService(); }

  // The body of a successful GET; records a failure otherwise.
  std::string Body(std::string path, std::string source = kWeb,
                   std::optional<std::string> token = std::nullopt) const {
    const ImdsReply reply = Get(path, std::move(source), std::move(token));
    EXPECT_EQ(reply.outcome, Outcome::kData) << path << ": " << reply.refusal_reason;
    return reply.body;
  }
  Outcome OutcomeOf(const Call& call) const { return Send(call).outcome; }
  Outcome GetOutcome(std::string path, std::string source = kWeb) const {
    return Get(std::move(path), std::move(source)).outcome;
  }
  ImdsReply PutToken(std::optional<std::string> ttl, std::string path = "/latest/api/token") {
    return Send({.method = "PUT", .path = std::move(path), .ttl = std::move(ttl)});
  }
  Status ReloadWith(const config::Config& config) {
    return service_->Reload(std::make_shared<const config::Config>(config));
  }
};

// --- Listings -------------------------------------------------------------------------------

TEST_F(ImdsServiceTest, RootListsThe2024VersionsLatestLast) {
  EXPECT_EQ(Body("/"),
            "1.0\n2007-01-19\n2007-03-01\n2007-08-29\n2007-10-10\n2007-12-15\n2008-02-01\n"
            "2008-09-01\n2009-04-04\n2011-01-01\n2011-05-01\n2012-01-12\n2014-02-25\n2014-11-05\n"
            "2015-10-20\n2016-04-19\n2016-06-30\n2016-09-02\n2018-03-28\n2018-08-17\n2018-09-24\n"
            "2019-10-01\n2020-10-27\n2021-01-03\n2021-03-23\n2021-07-15\n2022-09-24\n2024-04-11\n"
            "latest");
}

TEST_F(ImdsServiceTest, LatestListsUserDataOnlyWhenPresent) {
  EXPECT_EQ(Body("/latest/"), "dynamic\nmeta-data\nuser-data");
  EXPECT_EQ(Body("/latest/", kDb, TokenFor(kDb)), "dynamic\nmeta-data");
}

TEST_F(ImdsServiceTest, MetaDataListingIsAlphabetical) {
  EXPECT_EQ(Body("/latest/meta-data/"),
            "ami-id\nami-launch-index\nami-manifest-path\nblock-device-mapping/\nevents/\n"
            "hostname\nidentity-credentials/\ninstance-action\ninstance-id\ninstance-life-cycle\n"
            "instance-type\nlocal-hostname\nlocal-ipv4\nmac\nmetrics/\nnetwork/\nplacement/\n"
            "profile\npublic-hostname\npublic-ipv4\npublic-keys/\nreservation-id\n"
            "security-groups\nservices/\nsystem\ntags/");
}

TEST_F(ImdsServiceTest, MetaDataListingOmitsAbsentCategories) {
  EXPECT_EQ(Body("/latest/meta-data/", kDb, TokenFor(kDb)),
            "ami-id\nami-launch-index\nami-manifest-path\nblock-device-mapping/\nevents/\n"
            "hostname\nidentity-credentials/\ninstance-action\ninstance-id\ninstance-life-cycle\n"
            "instance-type\nlocal-hostname\nlocal-ipv4\nmac\nmetrics/\nnetwork/\nplacement/\n"
            "profile\nreservation-id\nsecurity-groups\nservices/\nsystem");
}

TEST_F(ImdsServiceTest, OptionalEntriesAppearWhenConfigured) {
  config::Instance& web = config_.instances[0];
  web.ipv6_addresses = {"2600:1f18::10", "2600:1f18::11"};
  web.subnet_ipv6_cidrs = {"2600:1f18::/64"};
  web.vpc_ipv6_cidrs = {"2600:1f18::/56"};
  web.kernel_id = "aki-12345678";
  web.ramdisk_id = "ari-12345678";
  StartService();
  const std::string listing = Body("/latest/meta-data/");
  EXPECT_THAT(listing, HasSubstr("instance-type\nipv6\nkernel-id\nlocal-hostname\n"));
  EXPECT_THAT(listing, HasSubstr("public-keys/\nramdisk-id\nreservation-id\n"));
  EXPECT_EQ(Body("/latest/meta-data/ipv6"), "2600:1f18::10");
  EXPECT_EQ(Body("/latest/meta-data/kernel-id"), "aki-12345678");
  const std::string mac = "/latest/meta-data/network/interfaces/macs/0e:12:34:56:78:9a/";
  EXPECT_EQ(Body(mac + "ipv6s"), "2600:1f18::10\n2600:1f18::11");
  EXPECT_EQ(Body(mac + "subnet-ipv6-cidr-blocks"), "2600:1f18::/64");
  EXPECT_EQ(Body(mac + "vpc-ipv6-cidr-blocks"), "2600:1f18::/56");
}

TEST_F(ImdsServiceTest, PlacementAndServices) {
  EXPECT_EQ(Body("/latest/meta-data/placement/"),
            "availability-zone\navailability-zone-id\nregion");
  EXPECT_EQ(Body("/latest/meta-data/placement/availability-zone/"), "us-east-1a");  // botocore
  EXPECT_EQ(Body("/latest/meta-data/placement/availability-zone-id"), "use1-az4");
  EXPECT_EQ(Body("/latest/meta-data/placement/region"), "us-east-1");
  EXPECT_EQ(Body("/latest/meta-data/services/"), "domain\npartition");
  EXPECT_EQ(Body("/latest/meta-data/services/domain"), "amazonaws.com");
  EXPECT_EQ(Body("/latest/meta-data/services/partition"), "aws");
}

TEST_F(ImdsServiceTest, NetworkInterface) {
  EXPECT_EQ(Body("/latest/meta-data/network/"), "interfaces/");
  EXPECT_EQ(Body("/latest/meta-data/network/interfaces/"), "macs/");
  EXPECT_EQ(Body("/latest/meta-data/network/interfaces/macs/"), "0e:12:34:56:78:9a/");
  const std::string mac = "/latest/meta-data/network/interfaces/macs/0e:12:34:56:78:9a/";
  EXPECT_EQ(Body(mac),
            "device-number\ninterface-id\nipv4-associations/\nlocal-hostname\nlocal-ipv4s\nmac\n"
            "network-card-index\nowner-id\npublic-hostname\npublic-ipv4s\nsecurity-group-ids\n"
            "security-groups\nsubnet-id\nsubnet-ipv4-cidr-block\nvpc-id\nvpc-ipv4-cidr-block\n"
            "vpc-ipv4-cidr-blocks");
  EXPECT_EQ(Body(mac + "device-number"), "0");
  EXPECT_EQ(Body(mac + "interface-id"), "eni-0123456789abcdef0");
  EXPECT_EQ(Body(mac + "ipv4-associations/"), "54.1.2.3");
  EXPECT_EQ(Body(mac + "ipv4-associations/54.1.2.3"), "10.0.1.10");
  EXPECT_EQ(Body(mac + "owner-id"), "123456789012");
  EXPECT_EQ(Body(mac + "security-group-ids"), "sg-0000000000000000a\nsg-0000000000000000b");
  EXPECT_EQ(Body(mac + "security-groups"), "default\nweb");
  EXPECT_EQ(Body(mac + "vpc-ipv4-cidr-blocks"), "10.0.0.0/16");
}

TEST_F(ImdsServiceTest, PrivateOnlyInterfaceHasNoPublicEntries) {
  const std::string mac = "/latest/meta-data/network/interfaces/macs/0e:aa:bb:cc:dd:ee/";
  EXPECT_EQ(Body(mac, kDb, TokenFor(kDb)),
            "device-number\ninterface-id\nlocal-hostname\nlocal-ipv4s\nmac\nnetwork-card-index\n"
            "owner-id\nsecurity-group-ids\nsecurity-groups\nsubnet-id\nsubnet-ipv4-cidr-block\n"
            "vpc-id\nvpc-ipv4-cidr-block\nvpc-ipv4-cidr-blocks");
}

TEST_F(ImdsServiceTest, TopLevelLeaves) {
  EXPECT_EQ(Body("/latest/meta-data/ami-id"), "ami-0abcdef1234567890");
  EXPECT_EQ(Body("/latest/meta-data/ami-launch-index"), "0");
  EXPECT_EQ(Body("/latest/meta-data/ami-manifest-path"), "(unknown)");
  EXPECT_EQ(Body("/latest/meta-data/instance-action"), "none");
  EXPECT_EQ(Body("/latest/meta-data/instance-id"), "i-0123456789abcdef0");
  EXPECT_EQ(Body("/latest/meta-data/instance-life-cycle"), "on-demand");
  EXPECT_EQ(Body("/latest/meta-data/profile"), "default-hvm");
  EXPECT_EQ(Body("/latest/meta-data/public-ipv4"), "54.1.2.3");
  EXPECT_EQ(Body("/latest/meta-data/security-groups"), "default\nweb");
  EXPECT_EQ(Body("/latest/meta-data/system"), "nitro");
  EXPECT_EQ(Body("/latest/meta-data/metrics/"), "vhostmd");
  EXPECT_EQ(Body("/latest/meta-data/metrics/vhostmd"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
  EXPECT_EQ(Body("/latest/meta-data/block-device-mapping/"), "ami\nroot");
  EXPECT_EQ(Body("/latest/meta-data/block-device-mapping/root"), "/dev/xvda");
}

TEST_F(ImdsServiceTest, EventsAreEmpty) {
  EXPECT_EQ(Body("/latest/meta-data/events/"), "maintenance/\nrecommendations/");
  EXPECT_EQ(Body("/latest/meta-data/events/maintenance/"), "history\nscheduled");
  EXPECT_EQ(Body("/latest/meta-data/events/maintenance/scheduled"), "[]");
  EXPECT_EQ(Body("/latest/meta-data/events/maintenance/history"), "[]");
  EXPECT_EQ(Body("/latest/meta-data/events/recommendations/"), "");
  EXPECT_EQ(GetOutcome("/latest/meta-data/events/recommendations/rebalance"), Outcome::kNotFound);
}

TEST_F(ImdsServiceTest, IdentityCredentialsInfo) {
  EXPECT_EQ(Body("/latest/meta-data/identity-credentials/ec2/"), "info\nsecurity-credentials/");
  EXPECT_EQ(Body("/latest/meta-data/identity-credentials/ec2/info"),
            "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2026-01-01T00:00:00Z\",\n"
            "  \"AccountId\" : \"123456789012\"\n}");
  EXPECT_EQ(Body("/latest/meta-data/identity-credentials/ec2/security-credentials/"), "");
}

TEST_F(ImdsServiceTest, PublicKeysByIndexOnly) {
  config_.instances[0].public_keys.emplace_back("second", "ssh-rsa AAAAB3 second");
  StartService();
  EXPECT_EQ(Body("/latest/meta-data/public-keys/"), "0=my-key\n1=second");
  EXPECT_EQ(Body("/latest/meta-data/public-keys/0/"), "openssh-key");
  EXPECT_EQ(Body("/latest/meta-data/public-keys/0/openssh-key"),
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAItest web");
  EXPECT_EQ(Body("/latest/meta-data/public-keys/1/openssh-key"), "ssh-rsa AAAAB3 second");
  EXPECT_EQ(GetOutcome("/latest/meta-data/public-keys/0=my-key/"), Outcome::kNotFound);
  EXPECT_EQ(GetOutcome("/latest/meta-data/public-keys/2"), Outcome::kNotFound);
}

// --- Paths ----------------------------------------------------------------------------------

TEST_F(ImdsServiceTest, SlashVariantsAreEquivalent) {
  const std::string listing = Body("/latest/meta-data/");
  EXPECT_EQ(Body("/latest/meta-data"), listing);
  EXPECT_EQ(Body("//latest//meta-data/"), listing);
  EXPECT_EQ(Body("///latest/meta-data//"), listing);
  EXPECT_EQ(Body("/latest"), Body("/latest/"));
  EXPECT_EQ(Body("/latest/meta-data/instance-id/"), "i-0123456789abcdef0");
  EXPECT_EQ(Body("/latest//meta-data//instance-id"), "i-0123456789abcdef0");
}

TEST_F(ImdsServiceTest, DotSegmentsAreNeverResolved) {
  EXPECT_EQ(GetOutcome("/latest/meta-data/../meta-data/instance-id"), Outcome::kNotFound);
  EXPECT_EQ(GetOutcome("/latest/./meta-data/instance-id"), Outcome::kNotFound);
  EXPECT_EQ(GetOutcome("/latest/meta-data/.."), Outcome::kNotFound);
  EXPECT_EQ(GetOutcome("/.."), Outcome::kNotFound);
  EXPECT_EQ(OutcomeOf({.method = "PUT", .path = "/latest/api/../api/token", .ttl = "60"}),
            Outcome::kNotFound);
}

TEST_F(ImdsServiceTest, EveryVersionServesTheSameTree) {
  EXPECT_EQ(Body("/2021-03-23/meta-data/instance-id"), "i-0123456789abcdef0");
  EXPECT_EQ(Body("/1.0/meta-data/instance-id"), "i-0123456789abcdef0");
  EXPECT_EQ(Body("/2009-04-04/"), Body("/latest/"));
  EXPECT_EQ(GetOutcome("/2022-07-09/meta-data/instance-id"), Outcome::kNotFound);
  EXPECT_EQ(GetOutcome("/LATEST/meta-data/instance-id"), Outcome::kNotFound);
  EXPECT_EQ(GetOutcome("/meta-data/instance-id"), Outcome::kNotFound);
  EXPECT_EQ(GetOutcome("/latest/meta-data/no-such-thing"), Outcome::kNotFound);
  EXPECT_EQ(GetOutcome("/latest/meta-data/instance-id/extra"), Outcome::kNotFound);
}

TEST_F(ImdsServiceTest, HeadAnswersLikeGet) {
  const ImdsReply reply = Send({.method = "HEAD", .path = "/latest/meta-data/instance-id"});
  EXPECT_EQ(reply.outcome, Outcome::kData);
  EXPECT_EQ(reply.body, "i-0123456789abcdef0");  // http/ drops it for HEAD
}

// --- User data, tags, dynamic ---------------------------------------------------------------

TEST_F(ImdsServiceTest, UserDataIsBinarySafe) {
  const std::string binary("\x1f\x8b\x00\x01\xff\r\n\0end", 11);
  config_.instances[0].user_data = binary;
  StartService();
  EXPECT_EQ(Body("/latest/user-data"), binary);
  EXPECT_EQ(Body("/latest/user-data/"), binary);
}

TEST_F(ImdsServiceTest, EmptyUserDataIsStillListed) {
  config_.instances[0].user_data = "";
  StartService();
  EXPECT_EQ(Body("/latest/"), "dynamic\nmeta-data\nuser-data");
  EXPECT_EQ(Body("/latest/user-data"), "");
}

TEST_F(ImdsServiceTest, NoUserDataIsNotFound) {
  EXPECT_EQ(Get("/latest/user-data", kDb, TokenFor(kDb)).outcome, Outcome::kNotFound);
}

TEST_F(ImdsServiceTest, TagsWhenEnabled) {
  EXPECT_EQ(Body("/latest/meta-data/tags/"), "instance/");
  EXPECT_EQ(Body("/latest/meta-data/tags/instance"), "Environment\nName");
  EXPECT_EQ(Body("/latest/meta-data/tags/instance/Name"), "web-1");
  EXPECT_EQ(GetOutcome("/latest/meta-data/tags/instance/Missing"), Outcome::kNotFound);
}

TEST_F(ImdsServiceTest, TagsAbsentWhenDisabled) {
  config_.instances[0].metadata_options.instance_metadata_tags = false;
  StartService();
  EXPECT_EQ(GetOutcome("/latest/meta-data/tags/instance/Name"), Outcome::kNotFound);
  EXPECT_EQ(GetOutcome("/latest/meta-data/tags/"), Outcome::kNotFound);
  EXPECT_THAT(Body("/latest/meta-data/"), Not(HasSubstr("tags/")));
}

TEST_F(ImdsServiceTest, TagKeyThatIsNoPathSegmentFailsCreate) {
  config_.instances[0].tags["a/b"] = "x";
  auto created = ImdsService::Create(std::make_shared<const config::Config>(config_), clock_,
                                     random_, signer_);
  EXPECT_THAT(created, StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(ImdsServiceTest, DynamicListings) {
  EXPECT_EQ(Body("/latest/dynamic/"), "fws/\ninstance-identity/");
  EXPECT_EQ(Body("/latest/dynamic/fws/"), "instance-monitoring");
  EXPECT_EQ(Body("/latest/dynamic/fws/instance-monitoring"), "disabled");
  EXPECT_EQ(Body("/latest/dynamic/instance-identity/"), "document\npkcs7\nrsa2048\nsignature");
}

TEST_F(ImdsServiceTest, IdentityDocumentAndSignaturesServedAndSignedOnce) {
  const std::string document = Body("/latest/dynamic/instance-identity/document");
  EXPECT_EQ(document, BuildIdentityDocument(config_.instances[0]));
  EXPECT_THAT(document, HasSubstr("  \"instanceId\" : \"i-0123456789abcdef0\",\n"));
  const auto expected = *signer_.Sign(document);
  const int calls_before = signer_.sign_calls();
  EXPECT_EQ(Body("/latest/dynamic/instance-identity/signature"), expected.signature);
  EXPECT_EQ(Body("/latest/dynamic/instance-identity/pkcs7"), expected.pkcs7);
  EXPECT_EQ(Body("/latest/dynamic/instance-identity/rsa2048"), expected.rsa2048);
  EXPECT_EQ(signer_.sign_calls(), calls_before);  // the first instance was signed by Create()
}

TEST_F(ImdsServiceTest, OtherInstancesAreSignedOnFirstRequestOnly) {
  const std::string token = TokenFor(kDb);
  const int after_create = signer_.sign_calls();
  EXPECT_EQ(Body("/latest/meta-data/instance-id", kDb, token), "i-0fedcba9876543210");
  EXPECT_EQ(signer_.sign_calls(), after_create);  // other paths never sign

  const std::string document = Body("/latest/dynamic/instance-identity/document", kDb, token);
  EXPECT_EQ(document, BuildIdentityDocument(config_.instances[1]));
  EXPECT_EQ(signer_.sign_calls(), after_create + 1);
  EXPECT_EQ(Body("/latest/dynamic/instance-identity/signature", kDb, token),
            signer_.Sign(document)->signature);
  const int after_first = signer_.sign_calls();
  for (int i = 0; i < 3; ++i) Body("/latest/dynamic/instance-identity/pkcs7", kDb, token);
  EXPECT_EQ(signer_.sign_calls(), after_first);
}

TEST_F(ImdsServiceTest, ReloadSignsTheNewDocument) {
  const std::string before = Body("/latest/dynamic/instance-identity/signature");
  config::Config changed = config_;
  changed.instances[0].instance_type = "m7g.large";
  ASSERT_OK(ReloadWith(changed));
  const std::string document = Body("/latest/dynamic/instance-identity/document");
  EXPECT_THAT(document, HasSubstr("\"m7g.large\""));
  const std::string after = Body("/latest/dynamic/instance-identity/signature");
  EXPECT_NE(after, before);
  EXPECT_EQ(after, signer_.Sign(document)->signature);
}

TEST_F(ImdsServiceTest, LateSigningFailureAnswersNotFoundAndRetries) {
  const std::string token = TokenFor(kDb);
  signer_.set_fail(true);
  EXPECT_EQ(Get("/latest/dynamic/instance-identity/signature", kDb, token).outcome,
            Outcome::kNotFound);
  EXPECT_EQ(Body("/latest/dynamic/instance-identity/", kDb, token),
            "document\npkcs7\nrsa2048\nsignature");
  signer_.set_fail(false);
  const std::string document = Body("/latest/dynamic/instance-identity/document", kDb, token);
  EXPECT_EQ(Body("/latest/dynamic/instance-identity/signature", kDb, token),
            signer_.Sign(document)->signature);
}

TEST_F(ImdsServiceTest, SigningFailureFailsCreate) {
  signer_.set_fail(true);
  auto created = ImdsService::Create(std::make_shared<const config::Config>(config_), clock_,
                                     random_, signer_);
  EXPECT_THAT(created, StatusIs(ErrorCode::kInternal));
}

// --- Tokens ---------------------------------------------------------------------------------

TEST_F(ImdsServiceTest, PutIssuesTokenWithTtlAndHopLimit) {
  const ImdsReply reply = PutToken("21600");
  ASSERT_EQ(reply.outcome, Outcome::kToken) << reply.refusal_reason;
  EXPECT_EQ(reply.body.size(), 56u);
  EXPECT_EQ(reply.token_ttl_seconds, 21600);
  EXPECT_EQ(reply.hop_limit, 2);
  EXPECT_EQ(reply.tenant, "web");
  EXPECT_EQ(
      Send({.method = "PUT", .path = "/latest/api/token", .source = kDb, .ttl = "300"}).hop_limit,
      1);
}

TEST_F(ImdsServiceTest, TokenPathIgnoresDoubledSlashes) {
  EXPECT_EQ(PutToken("60", "//latest//api/token").outcome, Outcome::kToken);
}

TEST_F(ImdsServiceTest, TtlValidation) {
  const struct {
    std::optional<std::string> ttl;
    Outcome expected;
  } kCases[] = {
      {"0", Outcome::kBadRequest},
      {"1", Outcome::kToken},
      {"21600", Outcome::kToken},
      {"21601", Outcome::kBadRequest},
      {"", Outcome::kBadRequest},
      {"abc", Outcome::kBadRequest},
      {"-5", Outcome::kBadRequest},
      {"+5", Outcome::kBadRequest},
      {" 5", Outcome::kBadRequest},
      {"5 ", Outcome::kBadRequest},
      {"5.0", Outcome::kBadRequest},
      {"0x10", Outcome::kBadRequest},
      {"99999999999999999999", Outcome::kBadRequest},
      {"00060", Outcome::kToken},
      {std::nullopt, Outcome::kBadRequest},
  };
  for (const auto& c : kCases) {
    const ImdsReply reply = PutToken(c.ttl);
    EXPECT_EQ(reply.outcome, c.expected) << "ttl '" << c.ttl.value_or("<missing>") << "'";
    if (c.expected == Outcome::kBadRequest) {
      EXPECT_TRUE(reply.body.empty());
      EXPECT_FALSE(reply.refusal_reason.empty());
    }
  }
  EXPECT_EQ(PutToken("00060").token_ttl_seconds, 60);
}

TEST_F(ImdsServiceTest, WrongMethodsAndPathsForTokens) {
  EXPECT_EQ(OutcomeOf({.method = "GET", .path = "/latest/api/token"}), Outcome::kMethodNotAllowed);
  EXPECT_EQ(OutcomeOf({.method = "POST", .path = "/latest/api/token", .ttl = "60"}),
            Outcome::kMethodNotAllowed);
  EXPECT_EQ(OutcomeOf({.method = "GET", .path = "/latest/api/token/"}), Outcome::kMethodNotAllowed);
  EXPECT_EQ(PutToken("60", "/latest/api/token/").outcome, Outcome::kForbidden);
  EXPECT_EQ(PutToken("60", "/2021-03-23/api/token").outcome, Outcome::kForbidden);
  EXPECT_EQ(PutToken("60", "/latest/meta-data/").outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(PutToken("60", "/latest/api/").outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(OutcomeOf({.method = "DELETE", .path = "/latest/meta-data/"}),
            Outcome::kMethodNotAllowed);
  EXPECT_EQ(OutcomeOf({.method = "get", .path = "/latest/meta-data/"}), Outcome::kMethodNotAllowed);
  EXPECT_EQ(GetOutcome("/2021-03-23/api/token"), Outcome::kNotFound);
}

TEST_F(ImdsServiceTest, ForwardedForIsForbiddenEverywhere) {
  const ImdsReply put =
      Send({.method = "PUT", .path = "/latest/api/token", .ttl = "60", .forwarded_for = true});
  EXPECT_EQ(put.outcome, Outcome::kForbidden);
  EXPECT_TRUE(put.body.empty());
  EXPECT_EQ(put.tenant, "web");
  EXPECT_EQ(OutcomeOf({.path = "/latest/meta-data/", .token = TokenFor(), .forwarded_for = true}),
            Outcome::kForbidden);
  EXPECT_EQ(OutcomeOf({.path = "/latest/meta-data/", .forwarded_for = true}), Outcome::kForbidden);
}

TEST_F(ImdsServiceTest, OptionalModeAcceptsNoTokenOrValidToken) {
  const ImdsReply v1 = Get("/latest/meta-data/instance-id");
  EXPECT_EQ(v1.outcome, Outcome::kData);
  EXPECT_EQ(v1.token_ttl_seconds, std::nullopt);

  const std::string token = TokenFor(kWeb, 300);
  clock_.Advance(seconds(100));
  const ImdsReply v2 = Get("/latest/meta-data/instance-id", kWeb, token);
  EXPECT_EQ(v2.outcome, Outcome::kData);
  EXPECT_EQ(v2.token_ttl_seconds, 200);
}

TEST_F(ImdsServiceTest, OptionalModeRefusesBadToken) {
  std::string token = TokenFor();
  token[10] = token[10] == 'A' ? 'B' : 'A';
  const ImdsReply reply = Get("/latest/meta-data/instance-id", kWeb, token);
  EXPECT_EQ(reply.outcome, Outcome::kUnauthorized);
  EXPECT_THAT(reply.refusal_reason, HasSubstr("invalid or expired token"));
  EXPECT_THAT(reply.refusal_reason, Not(HasSubstr(token.substr(0, 8))));
  EXPECT_TRUE(reply.body.empty());
  EXPECT_EQ(Get("/latest/meta-data/instance-id", kWeb, "").outcome, Outcome::kUnauthorized);
}

TEST_F(ImdsServiceTest, RequiredModeNeedsAValidToken) {
  const ImdsReply missing = Get("/latest/meta-data/instance-id", kDb);
  EXPECT_EQ(missing.outcome, Outcome::kUnauthorized);
  EXPECT_EQ(missing.tenant, "db");
  EXPECT_EQ(Get("/", kDb).outcome, Outcome::kUnauthorized);

  const std::string token = TokenFor(kDb, 60);
  EXPECT_EQ(Body("/latest/meta-data/instance-id", kDb, token), "i-0fedcba9876543210");
  clock_.Advance(seconds(60));
  EXPECT_EQ(Get("/latest/meta-data/instance-id", kDb, token).outcome, Outcome::kUnauthorized);
}

TEST_F(ImdsServiceTest, TokenFromOneInstanceIsRefusedByAnother) {
  const std::string web_token = TokenFor(kWeb);
  EXPECT_EQ(Get("/latest/meta-data/instance-id", kDb, web_token).outcome, Outcome::kUnauthorized);
  const std::string db_token = TokenFor(kDb);
  EXPECT_EQ(Get("/latest/meta-data/instance-id", kWeb, db_token).outcome, Outcome::kUnauthorized);
  EXPECT_EQ(Get("/latest/meta-data/instance-id", "10.0.1.77", web_token).outcome,
            Outcome::kData);  // any address of the same instance
}

TEST_F(ImdsServiceTest, TokensSurviveARestart) {
  const std::string token = TokenFor(kDb);
  StartService();  // a new service over the same state directory reads the same key
  EXPECT_EQ(Get("/latest/meta-data/instance-id", kDb, token).outcome, Outcome::kData);
  const auto mode = std::filesystem::status(config_.state_dir / "token.key").permissions();
  EXPECT_EQ(mode & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// --- Tenants ----------------------------------------------------------------------------------

TEST_F(ImdsServiceTest, UnknownSourceIsForbidden) {
  const ImdsReply reply = Get("/latest/meta-data/", "192.168.9.9");
  EXPECT_EQ(reply.outcome, Outcome::kForbidden);
  EXPECT_EQ(reply.refusal_reason, "no instance matches source 192.168.9.9");
  EXPECT_EQ(reply.tenant, "");
  EXPECT_EQ(
      OutcomeOf(
          {.method = "PUT", .path = "/latest/api/token", .source = "192.168.9.9", .ttl = "60"}),
      Outcome::kForbidden);
}

TEST_F(ImdsServiceTest, DefaultInstanceCatchesUnknownSources) {
  config_.default_instance = 0;
  StartService();
  const ImdsReply reply = Get("/latest/meta-data/instance-id", "192.168.9.9");
  EXPECT_EQ(reply.outcome, Outcome::kData);
  EXPECT_EQ(reply.body, "i-0123456789abcdef0");
  EXPECT_EQ(reply.tenant, "web");
}

TEST_F(ImdsServiceTest, DisabledEndpointIsForbidden) {
  config_.instances[0].metadata_options.http_endpoint_enabled = false;
  StartService();
  const ImdsReply reply = Get("/latest/meta-data/");
  EXPECT_EQ(reply.outcome, Outcome::kForbidden);
  EXPECT_EQ(reply.tenant, "web");
  EXPECT_EQ(PutToken("60").outcome, Outcome::kForbidden);
  EXPECT_EQ(Get("/latest/meta-data/", kDb, TokenFor(kDb)).outcome, Outcome::kData);
}

TEST_F(ImdsServiceTest, Ec2Ipv6EndpointNeedsHttpProtocolIpv6) {
  const Call on_ipv6{.path = "/latest/meta-data/instance-id", .local = "fd00:ec2::254"};
  EXPECT_EQ(OutcomeOf(on_ipv6), Outcome::kForbidden);
  EXPECT_EQ(OutcomeOf({.path = "/latest/meta-data/instance-id", .local = "::1"}), Outcome::kData);
  config_.instances[0].metadata_options.http_protocol_ipv6 = true;
  StartService();
  EXPECT_EQ(OutcomeOf(on_ipv6), Outcome::kData);
}

// --- Reload -----------------------------------------------------------------------------------

TEST_F(ImdsServiceTest, ReloadSwapsInTheNewConfig) {
  config_.instances[0].instance_type = "m7g.large";
  ASSERT_OK(ReloadWith(config_));
  EXPECT_EQ(Body("/latest/meta-data/instance-type"), "m7g.large");
}

TEST_F(ImdsServiceTest, ThreadsThatServedBeforeAReloadSeeItAtOnce) {
  // Each thread keeps a reference to the State it used last; a reload must replace it on that
  // thread's next request, on this thread and on another.
  EXPECT_EQ(Body("/latest/meta-data/instance-type"), "t3.micro");
  std::string seen_by_other;
  std::thread([&] { seen_by_other = Body("/latest/meta-data/instance-type"); }).join();
  EXPECT_EQ(seen_by_other, "t3.micro");
  config_.instances[0].instance_type = "m7g.large";
  ASSERT_OK(ReloadWith(config_));
  EXPECT_EQ(Body("/latest/meta-data/instance-type"), "m7g.large");
  std::thread([&] { seen_by_other = Body("/latest/meta-data/instance-type"); }).join();
  EXPECT_EQ(seen_by_other, "m7g.large");
}

TEST_F(ImdsServiceTest, ServiceRebuiltInPlaceServesItsOwnState) {
  // A new service (possibly at the old one's address) never answers from a State this thread
  // kept from the old one.
  EXPECT_EQ(Body("/latest/meta-data/instance-type"), "t3.micro");
  service_.reset();
  config_.instances[0].instance_type = "c7i.large";
  StartService();
  EXPECT_EQ(Body("/latest/meta-data/instance-type"), "c7i.large");
}

TEST_F(ImdsServiceTest, FailedReloadKeepsTheOldState) {
  const std::string token = TokenFor(kDb);
  { std::ofstream blocker(temp_dir_ / "not-a-dir"); }
  config::Config bad = config_;
  bad.instances[0].instance_type = "m7g.large";
  bad.state_dir = temp_dir_ / "not-a-dir" / "state";
  EXPECT_THAT(ReloadWith(bad), Not(IsOk()));

  signer_.set_fail(true);
  bad.state_dir = config_.state_dir;
  EXPECT_THAT(ReloadWith(bad), StatusIs(ErrorCode::kInternal));

  EXPECT_THAT(service_->Reload(nullptr), StatusIs(ErrorCode::kInvalidArgument));
  bad.default_instance = 7;
  EXPECT_THAT(ReloadWith(bad), StatusIs(ErrorCode::kInvalidArgument));

  EXPECT_EQ(Body("/latest/meta-data/instance-type"), "t3.micro");
  EXPECT_EQ(Body("/latest/meta-data/instance-id", kDb, token), "i-0fedcba9876543210");
}

TEST_F(ImdsServiceTest, CreateFailsOnAnUnusableStateDir) {
  { std::ofstream blocker(temp_dir_ / "not-a-dir"); }
  config_.state_dir = temp_dir_ / "not-a-dir" / "state";
  auto created = ImdsService::Create(std::make_shared<const config::Config>(config_), clock_,
                                     random_, signer_);
  EXPECT_THAT(created, Not(IsOk()));
}

TEST_F(ImdsServiceTest, HandleRunsConcurrentlyWithReload) {
  const std::string token = TokenFor(kDb);
  std::atomic<bool> stop{false};
  std::atomic<int> bad_replies{0};
  auto reader = [&] {
    while (!stop) {
      if (Get("/latest/meta-data/instance-id", kDb, token).body != "i-0fedcba9876543210") {
        ++bad_replies;
      }
    }
  };
  std::thread a(reader);
  std::thread b(reader);
  for (int i = 0; i < 20; ++i) {
    config_.instances[0].instance_type = "t3." + std::to_string(i);
    EXPECT_OK(ReloadWith(config_));
  }
  stop = true;
  a.join();
  b.join();
  EXPECT_EQ(bad_replies, 0);
  EXPECT_EQ(Body("/latest/meta-data/instance-type"), "t3.19");
}

// --- The iam/ seam ------------------------------------------------------------------------------

TEST_F(ImdsServiceTest, IamAbsentWithoutProvider) {
  config_.instances[0].instance_profile = "web-profile";
  StartService();
  EXPECT_EQ(GetOutcome("/latest/meta-data/iam/"), Outcome::kNotFound);
  EXPECT_THAT(Body("/latest/meta-data/"), Not(HasSubstr("iam/")));
}

TEST_F(ImdsServiceTest, IamProviderServesInstancesWithAProfile) {
  config_.instances[0].instance_profile = "web-profile";
  RecordingSubtree iam;
  StartService({.iam = &iam});
  EXPECT_THAT(Body("/latest/meta-data/"), HasSubstr("\nhostname\niam/\nidentity-credentials/\n"));
  EXPECT_EQ(Body("/latest/meta-data/iam"), "info\nsecurity-credentials/");
  EXPECT_EQ(Body("/latest/meta-data/iam/info"), "info of web-profile");
  EXPECT_FALSE(iam.last_token_verified());
  EXPECT_EQ(Body("/latest/meta-data/iam/info", kWeb, TokenFor()), "info of web-profile");
  EXPECT_TRUE(iam.last_token_verified());
  EXPECT_EQ(iam.last_instance(), "i-0123456789abcdef0");
  EXPECT_EQ(GetOutcome("/latest/meta-data/iam/security-credentials/other"), Outcome::kNotFound);
  // db has no instance profile.
  EXPECT_EQ(Get("/latest/meta-data/iam/", kDb, TokenFor(kDb)).outcome, Outcome::kNotFound);
}

}  // namespace
}  // namespace imdsd::imds
