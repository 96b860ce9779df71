#pragma once
// StsFrontend: the STS Query API from request to reply, without authorization logic.
//
// Handle() does, in order (the order live STS shows where it was observed):
//  1. gather parameters: the query string, then a form body (POST with Content-Type
//     application/x-www-form-urlencoded, any charset); the first value of a name wins;
//  2. no Action: 302 to https://aws.amazon.com/iam (GET: with the query appended), as STS does;
//     unknown Action or Version other than 2011-06-15: InvalidAction;
//  3. authenticate through the Authenticator, except for unsigned operations;
//  4. bind and validate the typed request (MalformedInput, ValidationError);
//  5. dispatch to StsActions;
//  6. render XML with x-amzn-RequestId, Content-Type text/xml and Date headers;
// and writes one audit event for every request that named an Action (steps 2-6).
//
// Request IDs and event IDs are random UUIDs (version 4) from the RandomSource; times come
// from the Clock. Borrows the clock, random source, authenticator, actions and sink, which must
// outlive it. Thread-safe when they are (their contracts say so).

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "stsapi/actions.h"
#include "stsapi/audit.h"

namespace imdsd::stsapi {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" from 16 random bytes.
std::string NewUuidV4(RandomSource& random);

inline constexpr std::string_view kMissingActionLocation = "https://aws.amazon.com/iam";

struct StsFrontendOptions {
  std::string region = "us-east-1";  // awsRegion of audit events
};

class StsFrontend {
 public:
  // `audit` may be null (no auditing).
  StsFrontend(StsFrontendOptions options, const Clock& clock, RandomSource& random,
              Authenticator& authenticator, StsActions& actions, AuditSink* audit);
  StsFrontend(const StsFrontend&) = delete;
  StsFrontend& operator=(const StsFrontend&) = delete;

  StsReply Handle(const StsRequest& request) const;

 private:
  struct Exchange;
  Outcome<AnyResponse> Run(const StsRequest& request, Action action, const QueryParams& params,
                           Exchange& exchange) const;
  Outcome<AnyResponse> Dispatch(const CallContext& context, AnyRequest& request) const;
  void Audit(Exchange& exchange) const;

  const StsFrontendOptions options_;
  const Clock& clock_;
  RandomSource& random_;
  Authenticator& authenticator_;
  StsActions& actions_;
  AuditSink* const audit_;
};

}  // namespace imdsd::stsapi
