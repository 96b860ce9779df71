#include "app/sd_notify.h"

#include <cstddef>
#include <string>

#include <gtest/gtest.h>

namespace imdsd::app {
namespace {

std::string PathBytes(const UnixAddress& address) {
  return std::string(address.address.sun_path, address.length - offsetof(sockaddr_un, sun_path));
}

TEST(NotifySocketAddressTest, FilesystemPath) {
  auto address = NotifySocketAddress("/run/systemd/notify");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->address.sun_family, AF_UNIX);
  EXPECT_EQ(PathBytes(*address), "/run/systemd/notify");
  EXPECT_EQ(address->address.sun_path[19], '\0');
}

TEST(NotifySocketAddressTest, AbstractNameStartsWithNul) {
  auto address = NotifySocketAddress("@imdsd/notify");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(PathBytes(*address), std::string("\0imdsd/notify", 13));
}

TEST(NotifySocketAddressTest, RejectsOtherValues) {
  EXPECT_FALSE(NotifySocketAddress("").has_value());
  EXPECT_FALSE(NotifySocketAddress("@").has_value());
  EXPECT_FALSE(NotifySocketAddress("relative/path").has_value());
  EXPECT_FALSE(NotifySocketAddress("/" + std::string(sizeof(sockaddr_un::sun_path), 'a')));
}

TEST(NotifySocketAddressTest, LongestPathThatFits) {
  const std::string path = "/" + std::string(sizeof(sockaddr_un::sun_path) - 2, 'a');
  EXPECT_TRUE(NotifySocketAddress(path).has_value());
  const std::string name = "@" + std::string(sizeof(sockaddr_un::sun_path) - 1, 'a');
  EXPECT_TRUE(NotifySocketAddress(name).has_value());
}

TEST(SystemdNotifierTest, DisabledNotifierDoesNothing) {
  const SystemdNotifier notifier(std::nullopt);
  EXPECT_FALSE(notifier.enabled());
  notifier.Notify("READY=1");  // must neither crash nor throw
}

}  // namespace
}  // namespace imdsd::app
