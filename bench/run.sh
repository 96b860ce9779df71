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
  --no-tenants   skip the many-tenant part (credential rotation under load, 1,000-tenant memory)

Needs nginx, wrk and curl: apt-get install -y nginx-light wrk curl
EOF
}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "${BENCH_DIR}")

duration=""
rounds=""
imdsd_bin=""
quick=0
tenants=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration=${2:?--duration needs a value}; shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
    --rounds=*) rounds=${1#*=}; shift ;;
    --imdsd) imdsd_bin=${2:?--imdsd needs a value}; shift 2 ;;
    --imdsd=*) imdsd_bin=${1#*=}; shift ;;
    --quick) quick=1; shift ;;
    --no-tenants) tenants=0; shift ;;
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

# start_imdsd NAME CONFIG: starts imdsd on a free loopback port with a fresh state directory and
# waits until it answers. Sets started_pid and started_url.
start_imdsd() {
  local name=$1 config=$2 port
  port=$(free_port)
  mkdir -m 700 "${WORK_DIR}/${name}-state"
  "${imdsd_bin}" --config "${config}" --listen "127.0.0.1:${port}" \
    --state-dir "${WORK_DIR}/${name}-state" --ready-file "${WORK_DIR}/${name}.ready" \
    >"${WORK_DIR}/${name}.log" 2>&1 </dev/null &
  started_pid=$!
  started_pids+=("${started_pid}")
  started_url="http://127.0.0.1:${port}"
  wait_ready "${name}" "${started_pid}" "${started_url}" "${WORK_DIR}/${name}.log" "${WORK_DIR}/${name}.ready"
}

start_imdsd imdsd "${BENCH_DIR}/imdsd-bench.yaml"
imdsd_pid=${started_pid}
imdsd_url=${started_url}
imdsd_log="${WORK_DIR}/imdsd.log"
rss_start_kb=$(status_kb "${imdsd_pid}" VmRSS)

imdsd_token=$(curl -sS --fail --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' \
  "${imdsd_url}/latest/api/token") || die "imdsd: token PUT failed"
instance_id=$(curl -sS --fail --max-time 2 -H "X-aws-ec2-metadata-token: ${imdsd_token}" \
  "${imdsd_url}/latest/meta-data/instance-id") || die "imdsd: instance-id GET failed"
[[ ${#imdsd_token} -eq 56 ]] || echo "run.sh: warning: imdsd token is ${#imdsd_token} characters, not 56" >&2
# The credentials path: the role name, then that role's credential document (JSON).
role_name=$(curl -sS --fail --max-time 2 -H "X-aws-ec2-metadata-token: ${imdsd_token}" \
  "${imdsd_url}/latest/meta-data/iam/security-credentials/") || die "imdsd: role name GET failed"
[[ ${role_name} =~ ^[A-Za-z0-9+=,.@_-]+$ ]] || die "imdsd: unexpected role name: ${role_name}"
cred_path="/latest/meta-data/iam/security-credentials/${role_name}"
credential_json=$(curl -sS --fail --max-time 2 -H "X-aws-ec2-metadata-token: ${imdsd_token}" \
  "${imdsd_url}${cred_path}") || die "imdsd: credentials GET failed"
[[ ${credential_json} == *'"AccessKeyId"'* ]] || die "imdsd: credentials GET returned no AccessKeyId"

# --- nginx -------------------------------------------------------------------------------------

# nginx answers with a token of the same length as imdsd's. imdsd's own token is reused when it
# is safe inside an nginx string; otherwise a fixed 56-character stand-in.
nginx_token=${imdsd_token}
if [[ ! ${nginx_token} =~ ^[A-Za-z0-9_.=+/-]+$ ]]; then
  nginx_token=$(printf 'A%.0s' $(seq "${#imdsd_token}"))
fi
[[ ${instance_id} =~ ^[A-Za-z0-9-]+$ ]] || die "imdsd: unexpected instance-id: ${instance_id}"

# In an nginx string, backslash and double quote are escaped; a '$' would start a variable, and
# credential documents have none (base64url, base32, digits and punctuation).
[[ ${credential_json} != *'$'* ]] || die "imdsd: credential document contains '\$'"
nginx_credential_json=${credential_json//\\/\\\\}
nginx_credential_json=${nginx_credential_json//\"/\\\"}

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

    location = ${cred_path} {
      default_type text/plain;
      add_header X-Aws-Ec2-Metadata-Token-Ttl-Seconds 21599;
      return 200 "${nginx_credential_json}";
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
# The many-tenant daemons (steady, rotating, thousand), by name.
declare -A tenant_pid=() tenant_url=() tenant_token=()
: >"${results}"

# Response sizes as the client sees them, to show both servers send comparable bytes.
response_sizes() {  # response_sizes URL TOKEN -> "PUT header+body, GET header+body"
  local put get cred
  put=$(curl -s -o /dev/null -w '%{size_header}+%{size_download}' -X PUT \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "$1/latest/api/token")
  get=$(curl -s -o /dev/null -w '%{size_header}+%{size_download}' \
    -H "X-aws-ec2-metadata-token: $2" "$1/latest/meta-data/instance-id")
  cred=$(curl -s -o /dev/null -w '%{size_header}+%{size_download}' \
    -H "X-aws-ec2-metadata-token: $2" "$1${cred_path}")
  echo "token PUT ${put} B, leaf GET ${get} B, credentials GET ${cred} B"
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
    cred) printf '%s\n' "${BENCH_DIR}/get_leaf.lua" "${url}${cred_path}" -- "${token}" ;;
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
    *) pid=${tenant_pid[${server}]} log="${WORK_DIR}/${server}.log" pids=("${pid}") ;;
  esac
  if [[ -n ${tenant_url[${server}]:-} ]]; then
    args=("${BENCH_DIR}/get_leaf.lua" "${tenant_url[${server}]}${tenant_cred_path}" -- "${tenant_token[${server}]}")
  else
    mapfile -t args < <(wrk_args "${server}" "${scenario}")
  fi
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
  for scenario in put get cred; do
    mapfile -t args < <(wrk_args "${server}" "${scenario}")
    wrk -t2 -c16 -d1s -s "${args[@]}" >/dev/null 2>&1 || true
  done
done
check_alive imdsd "${imdsd_pid}" "${imdsd_log}"
check_alive nginx "${nginx_pid}" "${nginx_log}"

for scenario in get cred put; do
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

# --- many tenants: rotation under load, memory ---------------------------------------------------

# write_tenants_config FILE COUNT LIFETIME REFRESH_LEAD: COUNT instances, each with the bench
# instance profile. The first answers 127.0.0.1 (where wrk connects from); the others answer
# addresses nobody uses, so they only rotate in the background.
write_tenants_config() {
  local file=$1 count=$2 lifetime=$3 lead=$4 k
  {
    sed -n '/^logging:/,/^instances:/p' "${BENCH_DIR}/imdsd-bench.yaml" | sed '$d'
    printf 'credentials:\n  lifetime: %s\n  refresh_lead: %s\n\ninstances:\n' "${lifetime}" "${lead}"
    for ((k = 0; k < count; k++)); do
      if ((k == 0)); then
        printf '  - {name: tenant-%04d, match: ["127.0.0.1"], instance_profile: bench-profile}\n' "${k}"
      else
        printf '  - {name: tenant-%04d, match: ["127.1.%d.%d"], instance_profile: bench-profile}\n' \
          "${k}" $((k / 250)) $((k % 250 + 1))
      fi
    done
  } >"${file}"
}

tenant_cred_path=${cred_path}
tenant_report=""

# saved_tokens NAME: the session tokens in a daemon's credentials.state, sorted (one a tenant).
saved_tokens() {
  tail -n +2 "${WORK_DIR}/$1-state/credentials.state" 2>/dev/null | cut -d' ' -f1 | sort || true
}

if [[ ${tenants} -eq 1 ]]; then
  # 500 tenants with 20-minute credentials. "steady" replaces them 10 minutes before expiry, so
  # nothing rotates during its runs. "rotating" replaces each one 10 s after issue (refresh lead
  # 1190 s). Its tenants are added 50 at a time, one reload (SIGHUP) a second, so they are
  # issued in ten different seconds and keep rotating in ten phases: about 50 credentials a
  # second, each second's batch followed by a rewrite of the state file. Started all at once,
  # the 500 would rotate together every 10 s, and a 2 s run could fall between two batches.
  write_tenants_config "${WORK_DIR}/steady.yaml" 500 20m 10m
  write_tenants_config "${WORK_DIR}/rotating.yaml" 50 20m 1190s
  for server in steady rotating; do
    start_imdsd "${server}" "${WORK_DIR}/${server}.yaml"
    tenant_pid[${server}]=${started_pid}
    tenant_url[${server}]=${started_url}
    tenant_token[${server}]=$(curl -sS --fail --max-time 2 -X PUT \
      -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "${started_url}/latest/api/token") ||
      die "${server}: token PUT failed"
  done
  echo "  500 tenants, 20-minute credentials: adding the rotating daemon's tenants 50 a second" >&2
  for ((count = 100; count <= 500; count += 50)); do
    sleep 1
    write_tenants_config "${WORK_DIR}/rotating.yaml" "${count}" 20m 1190s
    kill -HUP "${tenant_pid[rotating]}"
  done
  # The last tenant (127.1.1.250) answers once the last reload is in, and the state file lists
  # all 500 after the next rotation pass, a second later at most.
  for _ in $(seq 100); do
    if [[ $(curl -s --max-time 2 --interface 127.1.1.250 "${tenant_url[rotating]}/latest/meta-data/iam/security-credentials/") == "${role_name}" &&
      $(saved_tokens rotating | wc -l) -eq 500 ]]; then
      break
    fi
    sleep 0.1
  done
  [[ $(saved_tokens rotating | wc -l) -eq 500 ]] || die "rotating: the 500 tenants were not all issued"
  check_alive rotating "${tenant_pid[rotating]}" "${WORK_DIR}/rotating.log"

  echo "  500 tenants: steady vs rotating (~50 credentials/s), credentials GET at 16 connections" >&2
  rotated_total=0
  runs_with_rotation=0
  for round in $(seq "${rounds}"); do
    run_wrk steady cred 16 "${duration}" "r${round}"
    saved_tokens rotating >"${WORK_DIR}/tokens-before"
    run_wrk rotating cred 16 "${duration}" "r${round}"
    saved_tokens rotating >"${WORK_DIR}/tokens-after"
    # Tokens saved after the run that were not saved before it: credentials replaced during it.
    replaced=$(comm -13 "${WORK_DIR}/tokens-before" "${WORK_DIR}/tokens-after" | wc -l)
    rotated_total=$((rotated_total + replaced))
    ((replaced > 0)) && runs_with_rotation=$((runs_with_rotation + 1))
  done
  rotated="no"
  ((runs_with_rotation == rounds)) && rotated="yes"
  for server in steady rotating; do
    stop_pid "${tenant_pid[${server}]}"
  done

  # Memory with 1,000 tenants, each holding a credential, after a credentials-GET flood.
  write_tenants_config "${WORK_DIR}/thousand.yaml" 1000 6h 5h
  start_imdsd thousand "${WORK_DIR}/thousand.yaml"
  tenant_pid[thousand]=${started_pid}
  tenant_url[thousand]=${started_url}
  tenant_token[thousand]=$(curl -sS --fail --max-time 2 -X PUT \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "${started_url}/latest/api/token") ||
    die "thousand: token PUT failed"
  echo "  memory: 1,000 tenants, ${duration} s credentials-GET flood at 64 connections" >&2
  run_wrk thousand cred 64 "${duration}" thousand
  thousand_rss_kb=$(status_kb "${tenant_pid[thousand]}" VmRSS)
  thousand_state_bytes=$(stat -c %s "${WORK_DIR}/thousand-state/credentials.state" 2>/dev/null || echo 0)
  stop_pid "${tenant_pid[thousand]}"
  tenant_report="rotated=${rotated} rotated_total=${rotated_total} runs_with_rotation=${runs_with_rotation} thousand_rss_kb=${thousand_rss_kb} thousand_state_bytes=${thousand_state_bytes}"
fi

# --- report ------------------------------------------------------------------------------------

echo
awk -v rounds="${rounds}" -v duration="${duration}" -v nproc="${NPROC}" -v cpu="${CPU_MODEL}" \
  -v rss_start="${rss_start_kb}" -v rss_before="${rss_before_kb}" -v rss_after="${rss_after_kb}" \
  -v hwm="${hwm_kb}" -v anon="${anon_kb}" -v file="${file_kb}" -v threads="${threads}" -v date="$(date -u '+%Y-%m-%d')" \
  -v load_start="${load_start}" -v load_end="$(cut -d' ' -f1-3 /proc/loadavg)" \
  -v tenant_report="${tenant_report}" '
function median(key,    n, i, j, t, a) {
  n = split(vals[key], a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# /proc reports kB (KiB); the target is in MB (10^6 bytes), the stricter reading.
function mb(kb) { return kb * 1024 / 1e6 }
function add(key, value) { vals[key] = (key in vals) ? vals[key] " " value : value }
$4 == "flood" { flood_rps = $5; flood_errors = $7; imdsd_errors += $7; next }
$4 == "thousand" { thousand_rps = $5; thousand_errors = $7; imdsd_errors += $7; next }
$3 == "steady" || $3 == "rotating" { add($3 SUBSEP "p99", $6); add($3 SUBSEP "rps", $5); imdsd_errors += $7; next }
{
  k = $1 SUBSEP $2 SUBSEP $3
  add(k SUBSEP "rps", $5); add(k SUBSEP "p99", $6); add(k SUBSEP "cpu", $8)
  round_rps[$1, $2, $3, $4] = $5
  errors[k] += $7
  if ($3 == "imdsd") imdsd_errors += $7; else nginx_errors += $7
}
END {
  name["put"] = "token PUT"; name["get"] = "leaf GET"; name["cred"] = "creds GET"
  printf "imdsd vs nginx, %s, %d CPUs (%s); wrk -t2, %d s runs, median of %d round(s)\n", date, nproc, cpu, duration, rounds
  printf "load average %s at start, %s at end (other load makes req/s noisy; CPU us/req less so)\n\n", load_start, load_end
  printf "| scenario  | conns | imdsd req/s | nginx req/s | ratio | imdsd p99 | nginx p99 | errors i/n | CPU us/req i/n |\n"
  printf "|-----------|------:|------------:|------------:|------:|----------:|----------:|-----------:|---------------:|\n"
  split("get cred put", scenarios, " "); split("16 64", connss, " ")
  for (s = 1; s <= 3; s++) for (c = 1; c <= 2; c++) {
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
  if (tenant_report != "") {
    split(tenant_report, fields, " ")
    for (i in fields) { split(fields[i], kv, "="); t[kv[1]] = kv[2] }
    steady_p99 = median("steady" SUBSEP "p99"); rotating_p99 = median("rotating" SUBSEP "p99")
    p99_change = steady_p99 > 0 ? (rotating_p99 - steady_p99) / steady_p99 : 0
    printf "\n500 tenants, credentials GET at 16 connections (median of %d round(s)): steady %.0f req/s, p99 %.2f ms; rotating %.0f req/s, p99 %.2f ms (%+.0f%%). %d credentials were replaced during the rotating runs (%.0f/s); runs that saw a rotation: %d of %d.\n",
      rounds, median("steady" SUBSEP "rps"), steady_p99 / 1000, median("rotating" SUBSEP "rps"), rotating_p99 / 1000, p99_change * 100,
      t["rotated_total"], t["rotated_total"] / (rounds * duration), t["runs_with_rotation"], rounds
    printf "1,000 tenants: VmRSS %.1f MB after a %d s credentials-GET flood at 64 connections (%.0f req/s, %d errors); credentials.state %d bytes.\n",
      mb(t["thousand_rss_kb"]), duration, thousand_rps, thousand_errors, t["thousand_state_bytes"]
  }

  printf "\n| target (issue)                          | measured                    | result |\n"
  printf "|-----------------------------------------|-----------------------------|--------|\n"
  g = ratio["get", 16] < ratio["get", 64] ? ratio["get", 16] : ratio["get", 64]
  p = ratio["put", 16] < ratio["put", 64] ? ratio["put", 16] : ratio["put", 64]
  printf "| leaf GET req/s imdsd/nginx >= 0.80      | %-27s | %-6s |\n", sprintf("%.2f (c16), %.2f (c64)", ratio["get", 16], ratio["get", 64]), (g >= 0.8 ? "PASS" : "FAIL")
  printf "| token PUT req/s imdsd/nginx >= 0.60     | %-27s | %-6s |\n", sprintf("%.2f (c16), %.2f (c64)", ratio["put", 16], ratio["put", 64]), (p >= 0.6 ? "PASS" : "FAIL")
  cr = ratio["cred", 16] < ratio["cred", 64] ? ratio["cred", 16] : ratio["cred", 64]
  printf "| creds GET req/s imdsd/nginx >= 0.80     | %-27s | %-6s |\n", sprintf("%.2f (c16), %.2f (c64)", ratio["cred", 16], ratio["cred", 64]), (cr >= 0.8 ? "PASS" : "FAIL")
  if (tenant_report != "") {
    printf "| rotation moves creds GET p99 <= 20%%     | %-27s | %-6s |\n", sprintf("%+.0f%% (rotated: %s)", p99_change * 100, t["rotated"]), (p99_change <= 0.2 && t["rotated"] == "yes" ? "PASS" : "FAIL")
    printf "| 1,000 tenants RSS < 30 MB               | %-27s | %-6s |\n", sprintf("%.1f MB", mb(t["thousand_rss_kb"])), (mb(t["thousand_rss_kb"]) < 30 ? "PASS" : "FAIL")
  }
  printf "| zero errors (imdsd, all runs)           | %-27d | %-6s |\n", imdsd_errors, (imdsd_errors == 0 ? "PASS" : "FAIL")
  printf "| imdsd RSS after PUT flood < 20 MB       | %-27s | %-6s |\n", sprintf("%.1f MB", mb(rss_after)), (mb(rss_after) < 20 ? "PASS" : "FAIL")
  if (nginx_errors > 0) printf "\nwarning: nginx had %d errors; the baseline is suspect\n", nginx_errors
}' "${results}"
