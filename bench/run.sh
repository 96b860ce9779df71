#!/usr/bin/env bash
# Throughput, latency, CPU cost and memory of imdsd, next to an nginx answering the same bytes
# from memory. A measurement tool: it exits non-zero only when a server or a tool fails, never
# on a missed target. See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run.sh [--duration S] [--rounds N] [--imdsd PATH] [--quick]

  --duration S   seconds per wrk run and for the memory flood (default 10)
  --rounds N     runs per server and scenario, interleaved imdsd/nginx; the table shows
                 the median (default 3)
  --imdsd PATH   the daemon to measure (default: build-bench/daemon/imdsd, then
                 build/daemon/imdsd in the repository, then imdsd on PATH)
  --quick        smoke check: 2-second runs, 1 round (explicit options still win)

Needs nginx, wrk and curl: apt-get install -y nginx-light wrk curl
EOF
}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "${BENCH_DIR}")

duration=""
rounds=""
imdsd_bin=""
quick=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration=${2:?--duration needs a value}; shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
    --rounds=*) rounds=${1#*=}; shift ;;
    --imdsd) imdsd_bin=${2:?--imdsd needs a value}; shift 2 ;;
    --imdsd=*) imdsd_bin=${1#*=}; shift ;;
    --quick) quick=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ ${quick} -eq 1 ]]; then
  duration=${duration:-2}
  rounds=${rounds:-1}
fi
duration=${duration:-10}
rounds=${rounds:-3}
[[ ${duration} =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --duration must be a positive integer" >&2; exit 2; }
[[ ${rounds} =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds must be a positive integer" >&2; exit 2; }

# --- tools -------------------------------------------------------------------------------------

die() {
  echo "run.sh: $*" >&2
  exit 1
}

nginx_bin=$(command -v nginx || true)
[[ -z ${nginx_bin} && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
missing=()
[[ -n ${nginx_bin} ]] || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v ss >/dev/null || missing+=(ss)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "run.sh: missing: ${missing[*]}" >&2
  echo "install with: apt-get install -y nginx-light wrk curl iproute2" >&2
  exit 2
fi

if [[ -z ${imdsd_bin} ]]; then
  for candidate in "${REPO_DIR}/build-bench/daemon/imdsd" "${REPO_DIR}/build/daemon/imdsd" \
    "$(command -v imdsd || true)"; do
    if [[ -n ${candidate} && -x ${candidate} ]]; then
      imdsd_bin=${candidate}
      break
    fi
  done
fi
[[ -n ${imdsd_bin} && -x ${imdsd_bin} ]] || die "no imdsd executable (build it, or pass --imdsd PATH)"
imdsd_bin=$(cd "$(dirname "${imdsd_bin}")" && pwd)/$(basename "${imdsd_bin}")

CLK_TCK=$(getconf CLK_TCK)
NPROC=$(nproc)
CPU_MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
CPU_MODEL=${CPU_MODEL:-unknown}

# --- processes and cleanup ---------------------------------------------------------------------

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/imdsd-bench.XXXXXX")
started_pids=()  # every process this script started, killed on exit

stop_pid() {
  local pid=$1
  kill -0 "${pid}" 2>/dev/null || return 0
  kill -TERM "${pid}" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "${pid}" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "${pid}" 2>/dev/null || true
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  # Start order: the nginx master goes before its workers (recorded after it), so it cannot
  # respawn them; a worker it left behind is stopped after it.
  for pid in "${started_pids[@]}"; do
    stop_pid "${pid}"
    wait "${pid}" 2>/dev/null || true
  done
  rm -rf "${WORK_DIR}"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A loopback TCP port nobody listens on. A race with another program grabbing it before the
# server binds is possible but harmless: the server then fails to start and we say so.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 40000))
    if [[ -z $(ss -Htln "sport = :${port}") ]]; then
      echo "${port}"
      return 0
    fi
  done
  die "no free loopback port found"
}

# Sum of utime+stime (clock ticks) of the given processes; each process's stat covers all of
# its threads. The command name may contain spaces, so fields are counted after the last ')'.
cpu_ticks() {
  local total=0 pid line rest
  local -a f
  for pid in "$@"; do
    line=$(<"/proc/${pid}/stat") || die "process ${pid} is gone"
    rest=${line##*) }
    read -r -a f <<<"${rest}"
    total=$((total + f[11] + f[12]))  # fields 14 (utime) and 15 (stime)
  done
  echo "${total}"
}

status_kb() {  # status_kb PID FIELD -> value in kB
  awk -v field="$2:" '$1 == field {print $2}' "/proc/$1/status"
}

curl_code() {  # curl_code ARGS... -> HTTP status code (000 when nothing answered)
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" || true
}

# Waits until `url` answers the token PUT with 200, or the process dies, or 10 s pass.
wait_ready() {
  local name=$1 pid=$2 url=$3 log=$4 ready_file=${5:-}
  for _ in $(seq 100); do
    if ! kill -0 "${pid}" 2>/dev/null; then
      echo "run.sh: ${name} exited during start-up; its output:" >&2
      tail -n 30 "${log}" >&2 || true
      exit 1
    fi
    if [[ -z ${ready_file} || -e ${ready_file} ]] &&
      [[ $(curl_code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "${url}/latest/api/token") == 200 ]]; then
      return 0
    fi
    sleep 0.1
  done
  echo "run.sh: ${name} did not answer within 10 s; its output:" >&2
  tail -n 30 "${log}" >&2 || true
  exit 1
}

check_alive() {
  local name=$1 pid=$2 log=$3
  if ! kill -0 "${pid}" 2>/dev/null; then
    echo "run.sh: ${name} (pid ${pid}) died during the benchmark; its output:" >&2
    tail -n 30 "${log}" >&2 || true
    exit 1
  fi
}

# --- imdsd -------------------------------------------------------------------------------------

imdsd_port=$(free_port)
imdsd_url="http://127.0.0.1:${imdsd_port}"
imdsd_log="${WORK_DIR}/imdsd.log"
mkdir -m 700 "${WORK_DIR}/imdsd-state"
"${imdsd_bin}" --config "${BENCH_DIR}/imdsd-bench.yaml" --listen "127.0.0.1:${imdsd_port}" \
  --state-dir "${WORK_DIR}/imdsd-state" --ready-file "${WORK_DIR}/imdsd.ready" \
  >"${imdsd_log}" 2>&1 </dev/null &
imdsd_pid=$!
started_pids+=("${imdsd_pid}")
wait_ready imdsd "${imdsd_pid}" "${imdsd_url}" "${imdsd_log}" "${WORK_DIR}/imdsd.ready"
rss_start_kb=$(status_kb "${imdsd_pid}" VmRSS)

imdsd_token=$(curl -sS --fail --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' \
  "${imdsd_url}/latest/api/token") || die "imdsd: token PUT failed"
instance_id=$(curl -sS --fail --max-time 2 -H "X-aws-ec2-metadata-token: ${imdsd_token}" \
  "${imdsd_url}/latest/meta-data/instance-id") || die "imdsd: instance-id GET failed"
[[ ${#imdsd_token} -eq 56 ]] || echo "run.sh: warning: imdsd token is ${#imdsd_token} characters, not 56" >&2

# --- nginx -------------------------------------------------------------------------------------

# nginx answers with a token of the same length as imdsd's. imdsd's own token is reused when it
# is safe inside an nginx string; otherwise a fixed 56-character stand-in.
nginx_token=${imdsd_token}
if [[ ! ${nginx_token} =~ ^[A-Za-z0-9_.=+/-]+$ ]]; then
  nginx_token=$(printf 'A%.0s' $(seq "${#imdsd_token}"))
fi
[[ ${instance_id} =~ ^[A-Za-z0-9-]+$ ]] || die "imdsd: unexpected instance-id: ${instance_id}"

nginx_dir="${WORK_DIR}/nginx"
mkdir -p "${nginx_dir}"
nginx_port=$(free_port)
nginx_url="http://127.0.0.1:${nginx_port}"
nginx_log="${nginx_dir}/error.log"
nginx_user=""
if [[ $(id -u) -eq 0 ]]; then
  # Only root's nginx switches users; keep its workers as the current user.
  nginx_user="user $(id -un) $(id -gn);"
fi
cat >"${nginx_dir}/nginx.conf" <<EOF
# Generated by bench/run.sh: the same two answers as imdsd, from memory.
${nginx_user}
daemon off;
master_process on;
worker_processes ${NPROC};
pid ${nginx_dir}/nginx.pid;
error_log ${nginx_log} warn;

events {
  worker_connections 4096;
}

http {
  access_log off;
  server_tokens off;
  keepalive_requests 1000000000;
  keepalive_timeout 75s;
  client_body_temp_path ${nginx_dir}/client_body;
  proxy_temp_path ${nginx_dir}/proxy;
  fastcgi_temp_path ${nginx_dir}/fastcgi;
  uwsgi_temp_path ${nginx_dir}/uwsgi;
  scgi_temp_path ${nginx_dir}/scgi;

  server {
    listen 127.0.0.1:${nginx_port};

    location = /latest/api/token {
      if (\$request_method != PUT) {
        return 405;
      }
      add_header X-Aws-Ec2-Metadata-Token-Ttl-Seconds 21600;
      default_type text/plain;
      return 200 "${nginx_token}";
    }

    location = /latest/meta-data/instance-id {
      default_type text/plain;
      add_header X-Aws-Ec2-Metadata-Token-Ttl-Seconds 21599;
      return 200 "${instance_id}";
    }
  }
}
EOF
"${nginx_bin}" -t -q -p "${nginx_dir}/" -e "${nginx_log}" -c "${nginx_dir}/nginx.conf" \
  2>"${nginx_dir}/check.log" || {
  cat "${nginx_dir}/check.log" >&2
  die "nginx rejected the generated configuration"
}
"${nginx_bin}" -p "${nginx_dir}/" -e "${nginx_log}" -c "${nginx_dir}/nginx.conf" \
  >"${nginx_dir}/stdout.log" 2>&1 </dev/null &
nginx_pid=$!
started_pids+=("${nginx_pid}")
wait_ready nginx "${nginx_pid}" "${nginx_url}" "${nginx_log}"
nginx_workers=()
for _ in $(seq 50); do
  mapfile -t nginx_workers < <(pgrep -P "${nginx_pid}" || true)
  [[ ${#nginx_workers[@]} -ge ${NPROC} ]] && break
  sleep 0.1
done
[[ ${#nginx_workers[@]} -ge 1 ]] || die "nginx started no workers"
started_pids+=("${nginx_workers[@]}")
nginx_token_got=$(curl -sS --fail --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' \
  "${nginx_url}/latest/api/token") || die "nginx: token PUT failed"

# --- measurement -------------------------------------------------------------------------------

results="${WORK_DIR}/results.txt"
: >"${results}"

# Response sizes as the client sees them, to show both servers send comparable bytes.
response_sizes() {  # response_sizes URL TOKEN -> "PUT header+body, GET header+body"
  local put get
  put=$(curl -s -o /dev/null -w '%{size_header}+%{size_download}' -X PUT \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "$1/latest/api/token")
  get=$(curl -s -o /dev/null -w '%{size_header}+%{size_download}' \
    -H "X-aws-ec2-metadata-token: $2" "$1/latest/meta-data/instance-id")
  echo "token PUT ${put} B, leaf GET ${get} B"
}

# wrk_args SERVER SCENARIO -> the script, URL and script arguments for one wrk run, one a line.
wrk_args() {
  local url token
  case $1 in
    imdsd) url=${imdsd_url} token=${imdsd_token} ;;
    nginx) url=${nginx_url} token=${nginx_token_got} ;;
  esac
  case $2 in
    put) printf '%s\n' "${BENCH_DIR}/put_token.lua" "${url}/latest/api/token" ;;
    get) printf '%s\n' "${BENCH_DIR}/get_leaf.lua" "${url}/latest/meta-data/instance-id" -- "${token}" ;;
  esac
}

# run_wrk SERVER SCENARIO CONNS SECONDS TAG: one wrk run; appends a line to $results:
#   scenario conns server tag req_per_s p99_us errors cpu_us_per_req requests
run_wrk() {
  local server=$1 scenario=$2 conns=$3 seconds=$4 tag=$5
  local pid log out before after
  local -a pids args
  case ${server} in
    imdsd) pid=${imdsd_pid} log=${imdsd_log} pids=("${imdsd_pid}") ;;
    nginx) pid=${nginx_pid} log=${nginx_log} pids=("${nginx_pid}" "${nginx_workers[@]}") ;;
  esac
  mapfile -t args < <(wrk_args "${server}" "${scenario}")
  out="${WORK_DIR}/wrk-${scenario}-c${conns}-${server}-${tag}.txt"
  before=$(cpu_ticks "${pids[@]}")
  wrk -t2 -c"${conns}" -d"${seconds}s" --latency -s "${args[@]}" >"${out}" 2>&1 || true
  after=$(cpu_ticks "${pids[@]}")
  check_alive "${server}" "${pid}" "${log}"
  local line
  line=$(grep '^BENCH ' "${out}" || true)
  if [[ -z ${line} ]]; then
    cat "${out}" >&2
    die "wrk produced no result for ${server} ${scenario} c${conns}"
  fi
  awk -v scenario="${scenario}" -v conns="${conns}" -v server="${server}" -v tag="${tag}" \
    -v ticks=$((after - before)) -v clk="${CLK_TCK}" '
    {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      req = v["requests"]
      errors = v["connect"] + v["read"] + v["write"] + v["timeout"] + v["status"]
      rps = req * 1e6 / v["duration_us"]
      cpu = req > 0 ? ticks * 1e6 / clk / req : 0
      printf "%s %s %s %s %.1f %d %d %.2f %d\n", scenario, conns, server, tag, rps, v["p99_us"], errors, cpu, req
    }' <<<"${line}" | tee -a "${results}" | awk '{
      printf "  %-5s %-3s c%-3s %-6s %10.0f req/s  p99 %7.2f ms  errors %d  CPU %6.2f us/req\n",
        $4, $1, $2, $3, $5, $6 / 1000, $7, $8 }' >&2
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "imdsd benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), ${NPROC} CPUs (${CPU_MODEL}), load average ${load_start}" >&2
echo "  imdsd ${imdsd_bin} on ${imdsd_url}: $(response_sizes "${imdsd_url}" "${imdsd_token}")" >&2
echo "  nginx $("${nginx_bin}" -v 2>&1 | sed 's/.*nginx\///') on ${nginx_url}: $(response_sizes "${nginx_url}" "${nginx_token_got}")" >&2
echo "  wrk -t2 --latency, ${duration} s per run, ${rounds} round(s), imdsd and nginx interleaved" >&2

# Warm-up, not recorded: first connections, page faults, lazily built state.
for server in imdsd nginx; do
  for scenario in put get; do
    mapfile -t args < <(wrk_args "${server}" "${scenario}")
    wrk -t2 -c16 -d1s -s "${args[@]}" >/dev/null 2>&1 || true
  done
done
check_alive imdsd "${imdsd_pid}" "${imdsd_log}"
check_alive nginx "${nginx_pid}" "${nginx_log}"

for scenario in get put; do
  for conns in 16 64; do
    for round in $(seq "${rounds}"); do
      run_wrk imdsd "${scenario}" "${conns}" "${duration}" "r${round}"
      run_wrk nginx "${scenario}" "${conns}" "${duration}" "r${round}"
    done
  done
done

# Memory: a token-PUT flood at 64 connections.
rss_before_kb=$(status_kb "${imdsd_pid}" VmRSS)
echo "  memory: ${duration} s token-PUT flood at 64 connections" >&2
run_wrk imdsd put 64 "${duration}" flood
rss_after_kb=$(status_kb "${imdsd_pid}" VmRSS)
hwm_kb=$(status_kb "${imdsd_pid}" VmHWM)
anon_kb=$(status_kb "${imdsd_pid}" RssAnon)
file_kb=$(status_kb "${imdsd_pid}" RssFile)
threads=$(status_kb "${imdsd_pid}" Threads)

# --- report ------------------------------------------------------------------------------------

echo
awk -v rounds="${rounds}" -v duration="${duration}" -v nproc="${NPROC}" -v cpu="${CPU_MODEL}" \
  -v rss_start="${rss_start_kb}" -v rss_before="${rss_before_kb}" -v rss_after="${rss_after_kb}" \
  -v hwm="${hwm_kb}" -v anon="${anon_kb}" -v file="${file_kb}" -v threads="${threads}" -v date="$(date -u '+%Y-%m-%d')" \
  -v load_start="${load_start}" -v load_end="$(cut -d' ' -f1-3 /proc/loadavg)" '
function median(key,    n, i, j, t, a) {
  n = split(vals[key], a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# /proc reports kB (KiB); the target is in MB (10^6 bytes), the stricter reading.
function mb(kb) { return kb * 1024 / 1e6 }
function add(key, value) { vals[key] = (key in vals) ? vals[key] " " value : value }
$4 == "flood" { flood_rps = $5; flood_errors = $7; imdsd_errors += $7; next }
{
  k = $1 SUBSEP $2 SUBSEP $3
  add(k SUBSEP "rps", $5); add(k SUBSEP "p99", $6); add(k SUBSEP "cpu", $8)
  round_rps[$1, $2, $3, $4] = $5
  errors[k] += $7
  if ($3 == "imdsd") imdsd_errors += $7; else nginx_errors += $7
}
END {
  name["put"] = "token PUT"; name["get"] = "leaf GET"
  printf "imdsd vs nginx, %s, %d CPUs (%s); wrk -t2, %d s runs, median of %d round(s)\n", date, nproc, cpu, duration, rounds
  printf "load average %s at start, %s at end (other load makes req/s noisy; CPU us/req less so)\n\n", load_start, load_end
  printf "| scenario  | conns | imdsd req/s | nginx req/s | ratio | imdsd p99 | nginx p99 | errors i/n | CPU us/req i/n |\n"
  printf "|-----------|------:|------------:|------------:|------:|----------:|----------:|-----------:|---------------:|\n"
  split("get put", scenarios, " "); split("16 64", connss, " ")
  for (s = 1; s <= 2; s++) for (c = 1; c <= 2; c++) {
    sc = scenarios[s]; cn = connss[c]
    ki = sc SUBSEP cn SUBSEP "imdsd"; kn = sc SUBSEP cn SUBSEP "nginx"
    ri = median(ki SUBSEP "rps"); rn = median(kn SUBSEP "rps")
    # Paired: imdsd and nginx of the same round ran back to back, under the same background load.
    for (r = 1; r <= rounds; r++) {
      n = round_rps[sc, cn, "nginx", "r" r]
      add(sc SUBSEP cn SUBSEP "ratio", n > 0 ? round_rps[sc, cn, "imdsd", "r" r] / n : 0)
    }
    ratio[sc, cn] = median(sc SUBSEP cn SUBSEP "ratio")
    printf "| %-9s | %5d | %11.0f | %11.0f | %5.2f | %6.2f ms | %6.2f ms | %4d / %-3d | %6.1f / %-5.1f |\n",
      name[sc], cn, ri, rn, ratio[sc, cn], median(ki SUBSEP "p99") / 1000, median(kn SUBSEP "p99") / 1000,
      errors[ki], errors[kn], median(ki SUBSEP "cpu"), median(kn SUBSEP "cpu")
  }
  printf "\nratio: median over the rounds of imdsd req/s / nginx req/s in the same round.\n"
  printf "\nimdsd memory (VmRSS): %.1f MB at start, %.1f MB before and %.1f MB after a %d s token-PUT flood at 64 connections (%.0f req/s, %d errors).\n",
    mb(rss_start), mb(rss_before), mb(rss_after), duration, flood_rps, flood_errors
  printf "After the flood: %.1f MB anonymous + %.1f MB file-backed (shared libraries); peak VmHWM %.1f MB; %d threads.\n",
    mb(anon), mb(file), mb(hwm), threads

  printf "\n| target (issue)                          | measured                    | result |\n"
  printf "|-----------------------------------------|-----------------------------|--------|\n"
  g = ratio["get", 16] < ratio["get", 64] ? ratio["get", 16] : ratio["get", 64]
  p = ratio["put", 16] < ratio["put", 64] ? ratio["put", 16] : ratio["put", 64]
  printf "| leaf GET req/s imdsd/nginx >= 0.80      | %-27s | %-6s |\n", sprintf("%.2f (c16), %.2f (c64)", ratio["get", 16], ratio["get", 64]), (g >= 0.8 ? "PASS" : "FAIL")
  printf "| token PUT req/s imdsd/nginx >= 0.60     | %-27s | %-6s |\n", sprintf("%.2f (c16), %.2f (c64)", ratio["put", 16], ratio["put", 64]), (p >= 0.6 ? "PASS" : "FAIL")
  printf "| zero errors (imdsd, all runs)           | %-27d | %-6s |\n", imdsd_errors, (imdsd_errors == 0 ? "PASS" : "FAIL")
  printf "| imdsd RSS after PUT flood < 20 MB       | %-27s | %-6s |\n", sprintf("%.1f MB", mb(rss_after)), (mb(rss_after) < 20 ? "PASS" : "FAIL")
  if (nginx_errors > 0) printf "\nwarning: nginx had %d errors; the baseline is suspect\n", nginx_errors
}' "${results}"
