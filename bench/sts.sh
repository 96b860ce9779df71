#!/usr/bin/env bash
# bench/sts.sh: STS endpoint throughput — AssumeRole and GetCallerIdentity req/s over keep-alive
# on loopback, every request SigV4-verified. See bench/sts.md for the method and the results.
#
#   bench/sts.sh [--duration SECONDS] [--connections "16 64"] [--pool N] [--imdsd BIN] [--quick]
#
# Progress goes to stderr, the Markdown report to stdout. Only 127.0.0.1 is used; everything
# started is stopped and the temporary directory removed on exit. Exit status 2 when a tool is
# missing, 1 when imdsd fails or wrk gives no result; a missed target does not fail the run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "${here}/.." && pwd)
duration=10
connections="16 64"
pool=2000
imdsd="${root}/build-bench/daemon/imdsd"
target_assume_role=5000

while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --pool) pool=$2; shift 2 ;;
    --imdsd) imdsd=$2; shift 2 ;;
    --quick) duration=2; connections=64; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "sts.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

die() { echo "sts.sh: $*" >&2; exit 1; }
for tool in wrk curl /usr/bin/python3; do
  command -v "${tool}" >/dev/null || { echo "sts.sh: ${tool} is missing" >&2; exit 2; }
done
/usr/bin/python3 -c 'import botocore' 2>/dev/null ||
  { echo "sts.sh: python3-botocore is missing" >&2; exit 2; }
[[ -x "${imdsd}" ]] || { echo "sts.sh: no imdsd at ${imdsd} (build it, or pass --imdsd)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/imdsd-sts-bench.XXXXXX)
pid=""
cleanup() {
  if [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; then
    kill "${pid}" && wait "${pid}" 2>/dev/null || true
  fi
  rm -rf "${tmp}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# utime + stime of a process, in clock ticks.
cpu_ticks() {
  local line rest
  local -a f
  line=$(<"/proc/$1/stat") || die "imdsd (pid $1) is gone"
  rest=${line##*) }
  read -r -a f <<<"${rest}"
  echo $((f[11] + f[12]))
}

# A random 40-character secret access key for the bench user.
export IMDSD_BENCH_SECRET
IMDSD_BENCH_SECRET=$(head -c 30 /dev/urandom | base64 | tr -d '\n')
mkdir -m 700 "${tmp}/state"
"${imdsd}" --config "${here}/sts-bench.yaml" --listen 127.0.0.1:0 --sts-listen 127.0.0.1:0 \
  --state-dir "${tmp}/state" --ready-file "${tmp}/ready" >"${tmp}/stdout" 2>"${tmp}/stderr" &
pid=$!
for _ in $(seq 100); do [[ -s "${tmp}/ready" ]] && break; sleep 0.1; done
[[ -s "${tmp}/ready" ]] || die "imdsd did not start: $(cat "${tmp}/stderr")"
imds=$(head -n 1 "${tmp}/ready")
sts=$(sed -n 's|^imdsd STS endpoint on http://||p' "${tmp}/stdout" | head -n 1)
[[ -n "${sts}" ]] || die "imdsd printed no STS endpoint"

# The instance-profile credentials, from IMDS, sign the session scenario.
curl -sf "http://${imds}/latest/meta-data/iam/security-credentials/bench-instance-role" \
  >"${tmp}/instance.json" || die "no instance-profile credentials from IMDS"
read -r session_key session_secret session_token < <(/usr/bin/python3 -c \
  'import json,sys; d=json.load(open(sys.argv[1])); print(d["AccessKeyId"], d["SecretAccessKey"], d["Token"])' \
  "${tmp}/instance.json")

presign() {  # SCENARIO OUT
  if [[ "$1" == *-session ]]; then
    AWS_ACCESS_KEY_ID=${session_key} AWS_SECRET_ACCESS_KEY=${session_secret} \
      AWS_SESSION_TOKEN=${session_token} /usr/bin/python3 "${here}/sts_presign.py" "$1" "${sts}" "${pool}" "$2"
  else
    AWS_ACCESS_KEY_ID=AKIARTXV5AHDSKNWZWGM AWS_SECRET_ACCESS_KEY=${IMDSD_BENCH_SECRET} \
      /usr/bin/python3 "${here}/sts_presign.py" "$1" "${sts}" "${pool}" "$2"
  fi
}

clk_tck=$(getconf CLK_TCK)
rows=()
best_assume_role=0
errors_total=0
echo "sts.sh: imdsd ${imdsd}, STS on ${sts}, ${duration}s runs, pool ${pool}, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for scenario in assume-role caller-identity caller-identity-session; do
  for c in ${connections}; do
    # Signed just before the run: a pool stays valid for the 15-minute skew window.
    presign "${scenario}" "${tmp}/pool"
    before=$(cpu_ticks "${pid}")
    out=$(wrk -t2 -c"${c}" -d"${duration}s" --latency -s "${here}/sts_replay.lua" "http://${sts}/" \
      -- "${tmp}/pool") || die "wrk failed: ${out}"
    after=$(cpu_ticks "${pid}")
    result=$(grep '^RESULT ' <<<"${out}") || die "no wrk result: ${out}"
    declare -A r=()
    for kv in ${result#RESULT }; do r[${kv%%=*}]=${kv#*=}; done
    rps=$(awk -v n="${r[requests]}" -v us="${r[duration_us]}" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
    cpu=$(awk -v t=$((after - before)) -v hz="${clk_tck}" -v n="${r[requests]}" \
      'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
    errors=$((r[non2xx] + r[socket_errors]))
    errors_total=$((errors_total + errors))
    p50=$(awk -v us="${r[p50_us]}" 'BEGIN { printf "%.2f", us / 1000 }')
    p99=$(awk -v us="${r[p99_us]}" 'BEGIN { printf "%.2f", us / 1000 }')
    rows+=("| ${scenario} | ${c} | ${rps} | ${p50} | ${p99} | ${cpu} | ${errors} |")
    echo "sts.sh: ${scenario} c=${c}: ${rps} req/s, p99 ${p99} ms, ${cpu} us/req CPU, ${errors} errors" >&2
    if [[ "${scenario}" == assume-role && "${rps}" -gt "${best_assume_role}" ]]; then
      best_assume_role=${rps}
    fi
    unset r
  done
done

# Every request is audited; the file is written in the background.
sleep 1
audit_lines=$(wc -l <"${tmp}/state/sts-audit.jsonl")
rss_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/${pid}/status")

echo "## imdsd STS endpoint: $(nproc) CPUs, ${duration}s runs, wrk -t2, load at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| scenario | connections | req/s | p50 ms | p99 ms | CPU us/req | errors |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Audit log: ${audit_lines} records written. imdsd VmRSS at the end: $((rss_kb / 1024)) MiB."
echo
verdict=FAIL
[[ "${best_assume_role}" -ge "${target_assume_role}" && "${errors_total}" -eq 0 ]] && verdict=PASS
echo "Target: AssumeRole >= ${target_assume_role} req/s with 0 errors: best ${best_assume_role} req/s, ${errors_total} errors: ${verdict}"
