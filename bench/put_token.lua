-- wrk script: IMDSv2 token request, as the AWS SDKs send it.
--   wrk -t2 -c16 -d10s --latency -s put_token.lua http://127.0.0.1:PORT/latest/api/token
-- Content-Length: 0 is sent explicitly (wrk adds it for a non-nil body), as botocore does.

wrk.method = "PUT"
wrk.body = ""
wrk.headers["X-aws-ec2-metadata-token-ttl-seconds"] = "21600"

-- One machine-readable line for bench/run.sh; latencies and duration in microseconds.
-- errors: status = responses >= 400 (wrk's "Non-2xx or 3xx responses"), the rest are
-- wrk's "Socket errors".
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
