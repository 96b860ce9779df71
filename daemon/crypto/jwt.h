#pragma once
// RS256 JSON Web Tokens for AssumeRoleWithWebIdentity: verification against an OIDC provider's
// keys, the claims checks STS makes, and a signer for tests and lab tooling.
//
// A web identity token is a compact JWS (RFC 7515): three base64url parts without padding,
// header.payload.signature. Only RS256 (RSASSA-PKCS1-v1_5 with SHA-256) is accepted; "none",
// HS256 (which would let anyone holding the public key forge tokens) and every other algorithm
// are refused, as are headers with "crit". Keys come only from the configuration (a PEM public
// key or a JWKS document, JwtKeySet): header parameters that point at keys (jku, jwk, x5u, x5c)
// are ignored, never fetched or trusted.
//
// Two steps, because STS answers them differently:
//   1. JwtKeySet::Verify() checks the form and the signature and returns the typed claims.
//   2. CheckClaims() compares issuer, audience and validity times with the provider's
//      configuration and `now` (from the caller's Clock; nothing here reads a clock).
//
// What STS sends back for each failure (sts.md §3 and §5.5; AWS wins where they differ):
//   - Verify() errors (malformed token, alg not RS256, no matching key, bad signature):
//     InvalidIdentityToken (400). AWS's text for a bad signature was not found (UNCONFIRMED);
//     for keys it cannot obtain it says "Couldn't retrieve verification key from your identity
//     provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
//     (two spaces after the comma; aws/aws-cli#7194), which also fits an unknown kid.
//   - ClaimsProblem::kWrongIssuer: InvalidIdentityToken "No OpenIDConnect provider found in your
//     account for <iss>" (aws-actions/configure-aws-credentials#280). STS normally finds the
//     provider by `iss` before verifying, so this is the same answer as an unknown issuer.
//   - ClaimsProblem::kWrongAudience: InvalidIdentityToken "Incorrect token audience"
//     (awslabs/amazon-eks-irsa-cfn#18).
//   - ClaimsProblem::kExpired: ExpiredTokenException (400) "Token expired: current date/time
//     <now> must be before the expiration date/time<exp>" (Unix seconds, no space before <exp>;
//     awslabs/aws-orbit-workbench#707). The model's documentation for the error says the token
//     "is expired or is not valid" and to get a new one from the identity provider.
//   - ClaimsProblem::kNotYetValid, kNoExpiry: InvalidIdentityToken; texts UNCONFIRMED.
//   - STS itself validates WebIdentityToken's length (4..20000 characters, the model) first.
//
// The AWS model also requires exp/iat/nbf to be integers, not strings or fractions; Verify()
// refuses such tokens as malformed.
//
// Thread-safety: JwtKeySet and JwtSigner are immutable after creation, so const methods may be
// called from any number of threads; the free functions are pure.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crypto/digest.h"

namespace imdsd::crypto {

// Base64url without padding, as JWS uses it (RFC 7515 §2).
std::string Base64UrlNoPadEncode(std::span<const std::uint8_t> data);
std::string Base64UrlNoPadEncode(std::string_view data);
// Strict inverse: nullopt for '=', characters outside A-Z a-z 0-9 - _, a length no byte count
// encodes to, or non-zero bits after the last byte, so each byte string has one text.
std::optional<Bytes> Base64UrlNoPadDecode(std::string_view text);

// The registered claims STS uses, typed, and the rest as JSON text.
struct JwtClaims {
  std::optional<std::string> iss;
  std::optional<std::string> sub;
  std::vector<std::string> aud;  // a single-string "aud" becomes one element
  std::optional<std::chrono::sys_seconds> exp;
  std::optional<std::chrono::sys_seconds> nbf;
  std::optional<std::chrono::sys_seconds> iat;
  std::vector<std::string> amr;  // a single-string "amr" becomes one element
  // Every other claim: name -> its value as compact JSON text (e.g. "\"x\"", "{\"a\":1}"), for
  // the STS layer's conditions and session tags ("https://aws.amazon.com/tags").
  std::map<std::string, std::string> other;
  std::string payload_json;  // the decoded payload exactly as it was signed
};

struct VerifiedJwt {
  std::string kid;  // the header's "kid"; empty when it has none
  JwtClaims claims;
};

// The public keys of one OIDC provider. RSA only (RS256), at least 2048 bits.
class JwtKeySet {
 public:
  // One key from PEM text ("-----BEGIN PUBLIC KEY-----", SubjectPublicKeyInfo). The key gets
  // `kid` when one is given. kInvalidArgument when the text holds no such key, anything but one
  // PEM block, a key that is not RSA, or fewer than 2048 bits.
  static Result<JwtKeySet> FromPublicKeyPem(std::string_view pem, std::string kid = {});
  // A JWKS document ({"keys": [...]}, RFC 7517). RSA keys are taken from "n" and "e"; keys of
  // other types, or marked for another use ("use" not "sig") or algorithm ("alg" not "RS256"),
  // are skipped. kInvalidArgument, naming the key's index, when the JSON is malformed (duplicate
  // member names included), an RSA key lacks or mangles n/e, carries private parts ("d"), is
  // shorter than 2048 bits, two keys share a kid, or no usable key remains.
  static Result<JwtKeySet> FromJwks(std::string_view json);
  // FromJwks() when the first non-blank character is '{', FromPublicKeyPem() otherwise.
  static Result<JwtKeySet> Parse(std::string_view text);
  // Parse() of a file's contents (public keys: no mode check). kNotFound, kIoError, or Parse()'s
  // errors prefixed with the path.
  static Result<JwtKeySet> LoadFile(const std::filesystem::path& path);

  ~JwtKeySet();
  JwtKeySet(JwtKeySet&&) noexcept;
  JwtKeySet& operator=(JwtKeySet&&) noexcept;
  JwtKeySet(const JwtKeySet&) = delete;
  JwtKeySet& operator=(const JwtKeySet&) = delete;

  std::size_t size() const;

  // Checks `token`'s form, header and RS256 signature and returns its claims; no claim is
  // judged here (see CheckClaims()). A token with a kid is checked against the keys with that
  // kid and the keys without one; a token without a kid against every key.
  // kInvalidArgument when the token is not three base64url parts, the header or payload is not
  // a JSON object without duplicate names, alg is not "RS256", the header has "crit", or a
  // registered claim has the wrong JSON type (exp/nbf/iat must be integers); kUnauthenticated
  // when no key could be tried (unknown kid) or the signature verifies under none. Messages
  // never quote the token.
  Result<VerifiedJwt> Verify(std::string_view token) const;

 private:
  struct Key;
  explicit JwtKeySet(std::vector<Key> keys);
  std::vector<Key> keys_;
};

// What a provider accepts: its issuer URL and client IDs (IAM allows 1..100 per provider).
struct ClaimsExpectations {
  std::string issuer;
  std::vector<std::string> audiences;
};

enum class ClaimsProblem {
  kNone,
  kWrongIssuer,    // iss absent or not exactly the expected issuer
  kWrongAudience,  // no aud value is one of the expected audiences
  kNoExpiry,       // exp absent
  kExpired,        // now >= exp (RFC 7519 §4.1.4: valid only before exp)
  kNotYetValid,    // now < nbf
};

struct [[nodiscard]] ClaimsVerdict {
  ClaimsProblem problem = ClaimsProblem::kNone;
  std::string reason;  // one sentence for the log and the audit record; empty when ok()

  bool ok() const { return problem == ClaimsProblem::kNone; }
};

// Checks, in this order, issuer, audience, exp and nbf against `expected` at `now` (whole
// seconds, rounded down). iat is not checked: AWS documents no rule for it beyond its type.
ClaimsVerdict CheckClaims(const JwtClaims& claims, const ClaimsExpectations& expected,
                          WallTime now);

// Mints RS256 tokens: for tests, and for lab tooling that plays an identity provider. Holds an
// RSA private key; never writes it anywhere.
class JwtSigner {
 public:
  // A fresh RSA key of `bits` (>= 2048) from OpenSSL's CSPRNG. kInvalidArgument for fewer bits,
  // kInternal when OpenSSL fails.
  static Result<JwtSigner> Generate(std::string kid = {}, int bits = 2048);
  // An RSA private key in PEM (PKCS#8 or traditional). kInvalidArgument when the text holds no
  // unencrypted RSA private key of at least 2048 bits (encrypted keys are refused, not prompted
  // for).
  static Result<JwtSigner> FromPrivateKeyPem(std::string_view pem, std::string kid = {});

  ~JwtSigner();
  JwtSigner(JwtSigner&&) noexcept;
  JwtSigner& operator=(JwtSigner&&) noexcept;
  JwtSigner(const JwtSigner&) = delete;
  JwtSigner& operator=(const JwtSigner&) = delete;

  const std::string& kid() const { return kid_; }

  // header.payload.signature with header {"alg":"RS256","kid":…,"typ":"JWT"} (kid only when
  // set) and `claims_json` as the payload, byte for byte. kInvalidArgument when `claims_json`
  // is not a JSON object; kInternal when OpenSSL fails.
  Result<std::string> Sign(std::string_view claims_json) const;

  // The public half, for configuring the provider that will verify these tokens.
  std::string PublicKeyPem() const;
  std::string Jwks()
      const;  // {"keys":[{"alg":"RS256","e":…,"kid":…,"kty":"RSA","n":…,"use":"sig"}]}

 private:
  struct Key;
  JwtSigner(std::unique_ptr<Key> key, std::string kid);
  std::unique_ptr<Key> key_;
  std::string kid_;
};

}  // namespace imdsd::crypto
