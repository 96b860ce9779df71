#include "crypto/key_file.h"

#include <filesystem>
#include <string>
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"
#include "unit/crypto/crypto_fixture.h"

namespace imdsd::crypto {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

using KeyFileTest = CryptoTest;
namespace fs = std::filesystem;

TEST_F(KeyFileTest, EnsureStateDirCreatesParentsWithMode0700) {
  ::umask(0);  // would leave mkdir's mode untouched; 0700 must come from us
  const fs::path nested = dir_ / "a" / "b" / "state";
  ASSERT_OK(EnsureStateDir(nested));
  EXPECT_EQ(ModeOf(nested), 0700u);
  EXPECT_EQ(ModeOf(dir_ / "a"), 0700u);
  EXPECT_EQ(ModeOf(dir_ / "a" / "b"), 0700u);
  // Idempotent.
  EXPECT_OK(EnsureStateDir(nested));
}

TEST_F(KeyFileTest, EnsureStateDirFailsWhenAFileIsInTheWay) {
  WriteFile(dir_ / "file", "x", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_THAT(EnsureStateDir(dir_ / "file"), StatusIs(ErrorCode::kIoError));
  EXPECT_THAT(EnsureStateDir(dir_ / "file" / "sub"), StatusIs(ErrorCode::kIoError));
}

TEST_F(KeyFileTest, WriteFileAtomicallySetsModeRegardlessOfUmask) {
  ::umask(0277);  // would strip the owner's write bit from open()'s mode
  const fs::path path = dir_ / "secret";
  ASSERT_OK(WriteFileAtomically(path, "first"));
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ReadFile(path), "first");

  ::umask(077);
  ASSERT_OK(WriteFileAtomically(path, "second, public", 0644));
  EXPECT_EQ(ModeOf(path), 0644u);
  EXPECT_EQ(ReadFile(path), "second, public");

  // Only the target is left behind: no temporary files.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(KeyFileTest, WriteFileAtomicallyFailsInMissingDirectory) {
  EXPECT_THAT(WriteFileAtomically(dir_ / "missing" / "secret", "x"), StatusIs(ErrorCode::kIoError));
}

TEST_F(KeyFileTest, ReadSecretFileReturnsContents) {
  const std::string binary("a\0b\xff", 4);
  WriteFile(dir_ / "secret", binary, fs::perms::owner_read | fs::perms::owner_write);
  Result<std::string> read = ReadSecretFile(dir_ / "secret");
  ASSERT_OK(read);
  EXPECT_EQ(*read, binary);
}

TEST_F(KeyFileTest, ReadSecretFileRefusesWorldReadableFileAndSaysHowToFixIt) {
  const fs::path path = dir_ / "secret";
  WriteFile(path, "k",
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  Result<std::string> read = ReadSecretFile(path);
  EXPECT_THAT(read, StatusIs(ErrorCode::kPermissionDenied));
  EXPECT_THAT(read.status().message(),
              AllOf(HasSubstr(path.string()), HasSubstr("0644"), HasSubstr("chmod 600")));
}

TEST_F(KeyFileTest, ReadSecretFileAllowsGroupButNotOthers) {
  const fs::path path = dir_ / "secret";
  WriteFile(path, "k", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_OK(ReadSecretFile(path));
}

TEST_F(KeyFileTest, ReadSecretFileReportsMissingFileAsNotFound) {
  EXPECT_THAT(ReadSecretFile(dir_ / "missing"), StatusIs(ErrorCode::kNotFound));
}

TEST_F(KeyFileTest, LoadOrCreateRandomKeyCreatesA0600FileFromTheRandomSource) {
  ::umask(0);
  const fs::path path = dir_ / "token.key";
  Result<Bytes> key = LoadOrCreateRandomKey(path, 32, random_);
  ASSERT_OK(key);
  Bytes expected(32);
  testing::FakeRandom(0).Fill(expected);
  EXPECT_EQ(*key, expected);
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ReadFile(path), std::string(expected.begin(), expected.end()));
}

TEST_F(KeyFileTest, LoadOrCreateRandomKeyReturnsTheStoredKeyOnSecondLoad) {
  const fs::path path = dir_ / "token.key";
  Result<Bytes> first = LoadOrCreateRandomKey(path, 32, random_);
  ASSERT_OK(first);
  // random_ has moved on, so a regenerated key would differ.
  Result<Bytes> second = LoadOrCreateRandomKey(path, 32, random_);
  ASSERT_OK(second);
  EXPECT_EQ(*second, *first);
}

TEST_F(KeyFileTest, LoadOrCreateRandomKeyRejectsWrongSize) {
  const fs::path path = dir_ / "token.key";
  WriteFile(path, std::string(31, 'k'), fs::perms::owner_read | fs::perms::owner_write);
  Result<Bytes> key = LoadOrCreateRandomKey(path, 32, random_);
  EXPECT_THAT(key, StatusIs(ErrorCode::kDataCorrupt));
  EXPECT_THAT(key.status().message(), AllOf(HasSubstr(path.string()), HasSubstr("31")));
  EXPECT_THAT(ReadFile(path), SizeIs(31));  // left for the operator to inspect
}

TEST_F(KeyFileTest, LoadOrCreateRandomKeyRefusesWorldReadableKey) {
  const fs::path path = dir_ / "token.key";
  WriteFile(path, std::string(32, 'k'),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  EXPECT_THAT(LoadOrCreateRandomKey(path, 32, random_), StatusIs(ErrorCode::kPermissionDenied));
}

}  // namespace
}  // namespace imdsd::crypto
