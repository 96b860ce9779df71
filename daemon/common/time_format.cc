#include "common/time_format.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace imdsd {
namespace {

std::tm ToUtc(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

bool ParseInt(std::string_view s, int& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

std::string FormatIso8601(WallTime t) {
  std::tm tm = ToUtc(t);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<WallTime> ParseIso8601(std::string_view s) {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z') {
    return std::nullopt;
  }
  std::tm tm{};
  int year, mon, day, hour, min, sec;
  if (!ParseInt(s.substr(0, 4), year) || !ParseInt(s.substr(5, 2), mon) ||
      !ParseInt(s.substr(8, 2), day) || !ParseInt(s.substr(11, 2), hour) ||
      !ParseInt(s.substr(14, 2), min) || !ParseInt(s.substr(17, 2), sec)) {
    return std::nullopt;
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string FormatHttpDate(WallTime t) {
  std::tm tm = ToUtc(t);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace imdsd
