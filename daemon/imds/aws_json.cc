#include "imds/aws_json.h"

#include <cstdio>

namespace imdsd::imds {

std::string JsonQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

AwsJsonObject& AwsJsonObject::AddString(std::string_view key, std::string_view value) {
  return AddRaw(key, JsonQuote(value));
}

AwsJsonObject& AwsJsonObject::AddNull(std::string_view key) { return AddRaw(key, "null"); }

AwsJsonObject& AwsJsonObject::AddStringOrNull(std::string_view key, std::string_view value) {
  return value.empty() ? AddNull(key) : AddString(key, value);
}

AwsJsonObject& AwsJsonObject::AddRaw(std::string_view key, std::string_view json_value) {
  if (!members_.empty()) members_ += ",\n";
  members_ += "  ";
  members_ += JsonQuote(key);
  members_ += " : ";
  members_ += json_value;
  return *this;
}

std::string AwsJsonObject::Build() const {
  if (members_.empty()) return "{}";
  return "{\n" + members_ + "\n}";
}

}  // namespace imdsd::imds
