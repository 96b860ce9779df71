#pragma once
// CryptoTest: the one fixture of the crypto component's tests. Owns a fresh temporary state
// directory (removed afterwards), a FakeClock and a FakeRandom, and restores the process umask
// that a test changes.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <system_error>

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/fake_random.h"

namespace imdsd::crypto {

class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/imdsd-crypto-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }

  void TearDown() override {
    ::umask(saved_umask_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  static mode_t ModeOf(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
  }

  static std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  static void WriteFile(const std::filesystem::path& path, std::string_view contents,
                        std::filesystem::perms perms) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
    std::filesystem::permissions(path, perms);
  }

  std::filesystem::path dir_;
  testing::FakeClock clock_;
  testing::FakeRandom random_;

 private:
  static mode_t CurrentUmask() {
    const mode_t mask = ::umask(022);
    ::umask(mask);
    return mask;
  }

  const mode_t saved_umask_ = CurrentUmask();
};

}  // namespace imdsd::crypto
