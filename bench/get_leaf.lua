-- wrk script: IMDSv2 metadata leaf GET carrying a token.
--   wrk -t2 -c16 -d10s --latency -s get_leaf.lua http://127.0.0.1:PORT/latest/meta-data/instance-id -- TOKEN
-- The token (fetched beforehand with curl) is the first argument after `--`.

function init(args)
  if args[1] == nil or args[1] == "" then
    error("get_leaf.lua: pass the token after --")
  end
  -- wrk formats the request after init(), so the header is part of every request.
  wrk.headers["X-aws-ec2-metadata-token"] = args[1]
end

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
