-- wrk script for bench/sts.sh: replays the pre-signed requests of the file given after `--`
-- (written by sts_presign.py), in turn, each thread starting at a different place.
local separator = "\n--imdsd-bench-request--\n"
local requests = {}
local next_index = 1

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local data = f:read("*a")
  f:close()
  local pos = 1
  while true do
    local s, e = string.find(data, separator, pos, true)
    if not s then break end
    requests[#requests + 1] = string.sub(data, pos, s - 1)
    pos = e + 1
  end
  assert(#requests > 0, "no requests in " .. args[1])
  next_index = math.random(#requests)
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

-- The summary bench/sts.sh parses (like run.sh's: one line, key=value).
function done(summary, latency, requests_)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
