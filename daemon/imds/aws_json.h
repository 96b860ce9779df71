#pragma once
// AwsJsonObject: flat JSON objects in the exact style IMDS prints them (identity document,
// iam/info, credentials): one member per line, 2-space indent, a space on both sides of the
// colon, members in insertion order, no trailing newline:
//   {
//     "Code" : "Success",
//     "kernelId" : null
//   }
// nlohmann::json cannot produce " : " nor keep insertion order with dump(2), hence this.
// Plain value type; not thread-safe while being built.

#include <string>
#include <string_view>

namespace imdsd::imds {

// `text` as a JSON string literal, quotes included. Escapes '"', '\\' and control characters;
// other bytes (UTF-8) pass through unchanged.
std::string JsonQuote(std::string_view text);

class AwsJsonObject {
 public:
  AwsJsonObject& AddString(std::string_view key, std::string_view value);
  AwsJsonObject& AddNull(std::string_view key);
  // null when `value` is empty: EC2 prints absent ids (kernelId, ramdiskId) as null.
  AwsJsonObject& AddStringOrNull(std::string_view key, std::string_view value);

  std::string Build() const;  // "{}" when empty

 private:
  AwsJsonObject& AddRaw(std::string_view key, std::string_view json_value);
  std::string members_;
};

}  // namespace imdsd::imds
