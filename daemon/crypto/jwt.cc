#include "crypto/jwt.h"

#include <climits>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "crypto/openssl_ptr.h"

namespace imdsd::crypto {
namespace {

using Json = nlohmann::json;
using OsslParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<OSSL_PARAM_BLD_free>>;
using OsslParamPtr = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM_free>>;

constexpr int kMinRsaBits = 2048;  // NIST SP 800-131A: shorter RSA keys are not acceptable
constexpr char kAlgorithm[] = "RS256";

// Only memory exhaustion makes these fail; no caller could do anything about that.
[[noreturn]] void DieOpenSsl() { std::abort(); }

std::span<const std::uint8_t> BytesOf(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string_view TextOf(const Bytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool IsUrlSafeBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Parses `text` as one JSON object, refusing what nlohmann would let through silently: a
// member name given twice (RFC 7515 §5.2 lets a JWS parser refuse them, and two readers could
// otherwise disagree on which value counts) and any top-level value that is not an object.
Result<Json> ParseObject(std::string_view text, const std::string& what) {
  std::vector<std::set<std::string>> names;  // one set per open object
  bool duplicate = false;
  const Json::parser_callback_t note_names = [&](int /*depth*/, Json::parse_event_t event,
                                                 Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        names.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!names.empty()) names.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!names.empty() && !names.back().insert(parsed.get<std::string>()).second) {
          duplicate = true;
        }
        break;
      default:
        break;
    }
    return true;
  };
  Json json = Json::parse(text.begin(), text.end(), note_names, /*allow_exceptions=*/false);
  if (json.is_discarded()) return InvalidArgument(what + " is not valid JSON");
  if (duplicate) return InvalidArgument(what + " names a member twice");
  if (!json.is_object()) return InvalidArgument(what + " is not a JSON object");
  return json;
}

Result<std::string> StringMember(const Json& value, const std::string& what) {
  if (!value.is_string()) return InvalidArgument(what + " must be a string");
  return value.get<std::string>();
}

// "aud" and "amr" may be one string or an array of strings.
Result<std::vector<std::string>> StringOrStrings(const Json& value, const std::string& what) {
  if (value.is_string()) return std::vector<std::string>{value.get<std::string>()};
  if (!value.is_array()) return InvalidArgument(what + " must be a string or an array of strings");
  std::vector<std::string> out;
  for (const Json& item : value) {
    if (!item.is_string()) return InvalidArgument(what + " must contain only strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// RFC 7519 NumericDate; the AWS model adds that it must be an integer, not a string or fraction.
Result<std::chrono::sys_seconds> NumericDate(const Json& value, const std::string& what) {
  if (value.is_number_unsigned()) {
    const auto seconds = value.get<std::uint64_t>();
    if (seconds > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return InvalidArgument(what + " is out of range");
    }
    return std::chrono::sys_seconds(std::chrono::seconds(static_cast<std::int64_t>(seconds)));
  }
  if (value.is_number_integer()) {
    return std::chrono::sys_seconds(std::chrono::seconds(value.get<std::int64_t>()));
  }
  return InvalidArgument(what + " must be an integer number of seconds");
}

Result<JwtClaims> ClaimsFrom(const Json& payload, std::string payload_text) {
  JwtClaims claims;
  for (const auto& [name, value] : payload.items()) {
    const std::string what = "JWT claim " + name;
    if (name == "iss") {
      IMDSD_ASSIGN_OR_RETURN(claims.iss, StringMember(value, what));
    } else if (name == "sub") {
      IMDSD_ASSIGN_OR_RETURN(claims.sub, StringMember(value, what));
    } else if (name == "aud") {
      IMDSD_ASSIGN_OR_RETURN(claims.aud, StringOrStrings(value, what));
    } else if (name == "amr") {
      IMDSD_ASSIGN_OR_RETURN(claims.amr, StringOrStrings(value, what));
    } else if (name == "exp") {
      IMDSD_ASSIGN_OR_RETURN(claims.exp, NumericDate(value, what));
    } else if (name == "nbf") {
      IMDSD_ASSIGN_OR_RETURN(claims.nbf, NumericDate(value, what));
    } else if (name == "iat") {
      IMDSD_ASSIGN_OR_RETURN(claims.iat, NumericDate(value, what));
    } else {
      // The parser checked the UTF-8, so replacing is never needed; it only rules out a throw.
      claims.other.emplace(name, value.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
  }
  claims.payload_json = std::move(payload_text);
  return claims;
}

// What the token names as its algorithm, for a message: only short, plain names are echoed.
std::string DescribeAlgorithm(const std::string& alg) {
  const bool plain = !alg.empty() && alg.size() <= 16 &&
                     alg.find_first_not_of(
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789") == std::string::npos;
  return plain ? "\"" + alg + "\"" : "this algorithm";
}

// The checks every verification key passes, from PEM or JWKS alike.
Status CheckRsaPublicKey(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA") != 1) return InvalidArgument("not an RSA key (RS256 needs one)");
  if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
    return InvalidArgument("RSA key has " + std::to_string(EVP_PKEY_get_bits(key)) +
                           " bits; at least 2048 are required");
  }
  // OpenSSL's SP 800-56B public key checks: odd modulus without small factors and not a prime
  // power, odd e > 1.
  const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (ctx == nullptr) DieOpenSsl();
  if (EVP_PKEY_public_check(ctx.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("not a valid RSA public key");
  }
  return Status::Ok();
}

Result<EvpPkeyPtr> RsaPublicKey(const Bytes& modulus, const Bytes& exponent) {
  if (modulus.size() > INT_MAX || exponent.size() > INT_MAX) {
    return InvalidArgument("RSA key is too large");
  }
  const BignumPtr n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
  const BignumPtr e(BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr));
  const OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (n == nullptr || e == nullptr || builder == nullptr ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    DieOpenSsl();
  }
  const OsslParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (params == nullptr || ctx == nullptr) DieOpenSsl();
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("n and e do not form an RSA public key");
  }
  EvpPkeyPtr key(raw);
  IMDSD_RETURN_IF_ERROR(CheckRsaPublicKey(key.get()));
  return key;
}

Result<Bytes> DecodeMember(const Json& key, const char* name, const std::string& where) {
  const auto it = key.find(name);
  if (it == key.end()) return InvalidArgument(where + " has no \"" + name + "\"");
  IMDSD_ASSIGN_OR_RETURN(const std::string text, StringMember(*it, where + "." + name));
  std::optional<Bytes> bytes = Base64UrlNoPadDecode(text);
  if (!bytes.has_value() || bytes->empty()) {
    return InvalidArgument(where + "." + name + " is not unpadded base64url");
  }
  return std::move(*bytes);
}

bool VerifyRs256(EVP_PKEY* key, std::string_view signed_text, const Bytes& signature) {
  const EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) DieOpenSsl();
  const bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                                   reinterpret_cast<const unsigned char*>(signed_text.data()),
                                   signed_text.size()) == 1;
  // A failed verification leaves errors on this thread's queue; they must not surface in an
  // unrelated later call.
  ERR_clear_error();
  return ok;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

// Refuses to prompt on a terminal for an encrypted key's passphrase.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

BioPtr MemoryBio(std::string_view text) {
  if (text.size() > INT_MAX) return nullptr;
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (bio == nullptr) DieOpenSsl();
  return bio;
}

}  // namespace

std::string Base64UrlNoPadEncode(std::span<const std::uint8_t> data) {
  std::string text = Base64UrlEncode(data);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::string Base64UrlNoPadEncode(std::string_view data) {
  return Base64UrlNoPadEncode(BytesOf(data));
}

std::optional<Bytes> Base64UrlNoPadDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  for (const char c : text) {
    if (!IsUrlSafeBase64Char(c)) return std::nullopt;
  }
  std::string padded(text);
  padded.append((4 - text.size() % 4) % 4, '=');
  // Base64UrlDecode accepts only canonical text, which rules out stray bits after the last byte.
  return Base64UrlDecode(padded);
}

// ---- JwtKeySet ----------------------------------------------------------------------------

struct JwtKeySet::Key {
  std::string kid;  // empty: the key matches tokens with any kid
  EvpPkeyPtr key;
};

JwtKeySet::JwtKeySet(std::vector<Key> keys) : keys_(std::move(keys)) {}
JwtKeySet::~JwtKeySet() = default;
JwtKeySet::JwtKeySet(JwtKeySet&&) noexcept = default;
JwtKeySet& JwtKeySet::operator=(JwtKeySet&&) noexcept = default;

std::size_t JwtKeySet::size() const { return keys_.size(); }

Result<JwtKeySet> JwtKeySet::FromPublicKeyPem(std::string_view pem, std::string kid) {
  // PEM_read_bio_PUBKEY would skip a private key block to reach a public one; a private key in
  // a file meant to be public is a leak the operator should hear about.
  if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
    return InvalidArgument("PEM text holds a private key; configure only the public key");
  }
  const BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return InvalidArgument("PEM text is too large");
  EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    ERR_clear_error();
    return InvalidArgument("PEM text holds no \"PUBLIC KEY\" block");
  }
  const std::string rest = BioText(bio.get());
  if (rest.find_first_not_of(" \t\r\n") != std::string::npos) {
    return InvalidArgument("PEM text has more after its public key; give one key per provider");
  }
  IMDSD_RETURN_IF_ERROR(CheckRsaPublicKey(key.get()));
  std::vector<Key> keys;
  keys.push_back(Key{std::move(kid), std::move(key)});
  return JwtKeySet(std::move(keys));
}

Result<JwtKeySet> JwtKeySet::FromJwks(std::string_view json) {
  IMDSD_ASSIGN_OR_RETURN(const Json jwks, ParseObject(json, "JWKS"));
  const auto list = jwks.find("keys");
  if (list == jwks.end() || !list->is_array()) {
    return InvalidArgument("JWKS has no \"keys\" array");
  }
  std::vector<Key> keys;
  std::set<std::string> kids;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& entry = (*list)[i];
    const std::string where = "JWKS keys[" + std::to_string(i) + "]";
    if (!entry.is_object()) return InvalidArgument(where + " is not an object");
    const auto kty = entry.find("kty");
    if (kty == entry.end()) return InvalidArgument(where + " has no \"kty\"");
    IMDSD_ASSIGN_OR_RETURN(const std::string type, StringMember(*kty, where + ".kty"));
    if (type != "RSA") continue;  // e.g. an EC key published beside the RSA one
    if (const auto use = entry.find("use"); use != entry.end()) {
      IMDSD_ASSIGN_OR_RETURN(const std::string value, StringMember(*use, where + ".use"));
      if (value != "sig") continue;  // an encryption key
    }
    if (const auto alg = entry.find("alg"); alg != entry.end()) {
      IMDSD_ASSIGN_OR_RETURN(const std::string value, StringMember(*alg, where + ".alg"));
      if (value != kAlgorithm) continue;  // e.g. an RS512 or PS256 key
    }
    if (entry.contains("d")) {
      return InvalidArgument(where + " holds a private key (\"d\"); publish only n and e");
    }
    std::string kid;
    if (const auto it = entry.find("kid"); it != entry.end()) {
      IMDSD_ASSIGN_OR_RETURN(kid, StringMember(*it, where + ".kid"));
      if (!kids.insert(kid).second) {
        return InvalidArgument(where + " repeats the kid of an earlier key");
      }
    }
    IMDSD_ASSIGN_OR_RETURN(const Bytes n, DecodeMember(entry, "n", where));
    IMDSD_ASSIGN_OR_RETURN(const Bytes e, DecodeMember(entry, "e", where));
    Result<EvpPkeyPtr> key = RsaPublicKey(n, e);
    if (!key.ok()) return InvalidArgument(where + ": " + key.status().message());
    keys.push_back(Key{std::move(kid), std::move(key).value()});
  }
  if (keys.empty()) return InvalidArgument("JWKS has no RSA signing key usable for RS256");
  return JwtKeySet(std::move(keys));
}

Result<JwtKeySet> JwtKeySet::Parse(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return FromJwks(text);
  return FromPublicKeyPem(text);
}

Result<JwtKeySet> JwtKeySet::LoadFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFound(path.string() + ": no such file");
  std::ifstream in(path, std::ios::binary);
  std::string text(std::istreambuf_iterator<char>(in), {});
  if (!in.good() && !in.eof()) return IoError(path.string() + ": cannot read");
  Result<JwtKeySet> keys = Parse(text);
  if (!keys.ok()) {
    return Status(keys.status().code(), path.string() + ": " + keys.status().message());
  }
  return keys;
}

Result<VerifiedJwt> JwtKeySet::Verify(std::string_view token) const {
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return InvalidArgument("JWT must have exactly three dot-separated parts");
  }
  const std::optional<Bytes> header_bytes = Base64UrlNoPadDecode(token.substr(0, first_dot));
  const std::optional<Bytes> signature = Base64UrlNoPadDecode(token.substr(second_dot + 1));
  if (!header_bytes.has_value() || !signature.has_value()) {
    return InvalidArgument("JWT header or signature is not unpadded base64url");
  }
  IMDSD_ASSIGN_OR_RETURN(const Json header, ParseObject(TextOf(*header_bytes), "JWT header"));

  const auto alg = header.find("alg");
  if (alg == header.end()) return InvalidArgument("JWT header has no \"alg\"");
  IMDSD_ASSIGN_OR_RETURN(const std::string algorithm, StringMember(*alg, "JWT header alg"));
  if (algorithm != kAlgorithm) {
    return InvalidArgument("JWT algorithm " + DescribeAlgorithm(algorithm) +
                           " is refused; only RS256 is accepted");
  }
  // Extensions marked critical must be understood to be honoured; we understand none.
  if (header.contains("crit")) return InvalidArgument("JWT header has \"crit\"; none is supported");
  VerifiedJwt verified;
  if (const auto kid = header.find("kid"); kid != header.end()) {
    IMDSD_ASSIGN_OR_RETURN(verified.kid, StringMember(*kid, "JWT header kid"));
  }
  if (signature->empty()) return InvalidArgument("JWT has an empty signature");

  const std::string_view signed_text = token.substr(0, second_dot);
  bool tried = false;
  bool valid = false;
  for (const Key& key : keys_) {
    if (!verified.kid.empty() && !key.kid.empty() && key.kid != verified.kid) continue;
    tried = true;
    if (VerifyRs256(key.key.get(), signed_text, *signature)) {
      valid = true;
      break;
    }
  }
  if (!tried) return Unauthenticated("no key of the provider has the token's kid");
  if (!valid) return Unauthenticated("JWT signature does not verify with the provider's keys");

  const std::optional<Bytes> payload_bytes =
      Base64UrlNoPadDecode(token.substr(first_dot + 1, second_dot - first_dot - 1));
  if (!payload_bytes.has_value()) return InvalidArgument("JWT payload is not unpadded base64url");
  std::string payload_text(TextOf(*payload_bytes));
  IMDSD_ASSIGN_OR_RETURN(const Json payload, ParseObject(payload_text, "JWT payload"));
  IMDSD_ASSIGN_OR_RETURN(verified.claims, ClaimsFrom(payload, std::move(payload_text)));
  return verified;
}

// ---- CheckClaims ---------------------------------------------------------------------------

ClaimsVerdict CheckClaims(const JwtClaims& claims, const ClaimsExpectations& expected,
                          WallTime now) {
  const auto unix_now = std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  if (!claims.iss.has_value()) {
    return {ClaimsProblem::kWrongIssuer, "token has no iss claim"};
  }
  if (*claims.iss != expected.issuer) {
    return {ClaimsProblem::kWrongIssuer,
            "token issuer " + *claims.iss + " is not the provider's issuer " + expected.issuer};
  }
  bool audience_ok = false;
  for (const std::string& aud : claims.aud) {
    for (const std::string& client_id : expected.audiences) audience_ok |= aud == client_id;
  }
  if (!audience_ok) {
    return {ClaimsProblem::kWrongAudience,
            claims.aud.empty() ? "token has no aud claim"
                               : "no aud of the token is a client ID of the provider"};
  }
  if (!claims.exp.has_value()) return {ClaimsProblem::kNoExpiry, "token has no exp claim"};
  const auto exp = claims.exp->time_since_epoch().count();
  if (unix_now >= exp) {
    return {ClaimsProblem::kExpired, "token expired at " + std::to_string(exp) +
                                         " (Unix seconds); it is now " + std::to_string(unix_now)};
  }
  if (claims.nbf.has_value() && unix_now < claims.nbf->time_since_epoch().count()) {
    return {ClaimsProblem::kNotYetValid,
            "token is not valid before " + std::to_string(claims.nbf->time_since_epoch().count()) +
                " (Unix seconds); it is now " + std::to_string(unix_now)};
  }
  return {};
}

// ---- JwtSigner ---------------------------------------------------------------------------

struct JwtSigner::Key {
  EvpPkeyPtr key;
};

JwtSigner::JwtSigner(std::unique_ptr<Key> key, std::string kid)
    : key_(std::move(key)), kid_(std::move(kid)) {}
JwtSigner::~JwtSigner() = default;
JwtSigner::JwtSigner(JwtSigner&&) noexcept = default;
JwtSigner& JwtSigner::operator=(JwtSigner&&) noexcept = default;

Result<JwtSigner> JwtSigner::Generate(std::string kid, int bits) {
  if (bits < kMinRsaBits) return InvalidArgument("RSA keys need at least 2048 bits");
  const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    ERR_clear_error();
    return Internal("OpenSSL cannot generate an RSA key");
  }
  return JwtSigner(std::make_unique<Key>(Key{EvpPkeyPtr(raw)}), std::move(kid));
}

Result<JwtSigner> JwtSigner::FromPrivateKeyPem(std::string_view pem, std::string kid) {
  const BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return InvalidArgument("PEM text is too large");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    ERR_clear_error();
    return InvalidArgument("PEM text holds no unencrypted private key");
  }
  if (EVP_PKEY_is_a(key.get(), "RSA") != 1) return InvalidArgument("not an RSA private key");
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return InvalidArgument("RSA keys need at least 2048 bits");
  }
  return JwtSigner(std::make_unique<Key>(Key{std::move(key)}), std::move(kid));
}

Result<std::string> JwtSigner::Sign(std::string_view claims_json) const {
  IMDSD_RETURN_IF_ERROR(ParseObject(claims_json, "JWT claims").status());
  Json header = {{"alg", kAlgorithm}, {"typ", "JWT"}};
  if (!kid_.empty()) header["kid"] = kid_;
  std::string token = Base64UrlNoPadEncode(header.dump()) + "." + Base64UrlNoPadEncode(claims_json);

  const EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(token.data());
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, data, token.size()) != 1) {
    ERR_clear_error();
    return Internal("OpenSSL cannot sign the JWT");
  }
  Bytes signature(size);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size, data, token.size()) != 1) {
    ERR_clear_error();
    return Internal("OpenSSL cannot sign the JWT");
  }
  signature.resize(size);
  token += ".";
  token += Base64UrlNoPadEncode(signature);
  return token;
}

std::string JwtSigner::PublicKeyPem() const {
  const BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), key_->key.get()) != 1) DieOpenSsl();
  return BioText(bio.get());
}

std::string JwtSigner::Jwks() const {
  const auto component = [this](const char* name) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key_->key.get(), name, &raw) != 1) DieOpenSsl();
    const BignumPtr value(raw);
    Bytes bytes(static_cast<std::size_t>(BN_num_bytes(value.get())));
    BN_bn2bin(value.get(), bytes.data());
    return Base64UrlNoPadEncode(bytes);
  };
  Json jwk = {{"kty", "RSA"},
              {"use", "sig"},
              {"alg", kAlgorithm},
              {"n", component(OSSL_PKEY_PARAM_RSA_N)},
              {"e", component(OSSL_PKEY_PARAM_RSA_E)}};
  if (!kid_.empty()) jwk["kid"] = kid_;
  return Json{{"keys", Json::array({jwk})}}.dump();
}

}  // namespace imdsd::crypto
