#!/usr/bin/env bash
# refraft against etcd, side by side on this machine: a 3-node etcd cluster and a 3-node refraft
# cluster on loopback, fsync on for both, each started as a user starts it (etcd with its defaults,
# refraft with `refraft cluster`'s), measured one after the other by the same client
# (`refraft bench`, --api etcd / --api refraft). Not a test; the figures depend on the machine.
#
#   impl/bench/compare-etcd.sh [SECONDS per run (default 20)] [CLIENTS (default 64)]
#   MIXES="put get" impl/bench/compare-etcd.sh 10      only some mixes (default: put get 50/50 txn)
#   WARMUP=0 RUN_WARMUP=0 MIXES=put impl/bench/compare-etcd.sh 20   the first 20 s after start, nothing excluded
#   NODE_JAVA_OPTS="-Xmx256m ..."                        the refraft nodes' JVM flags (default: refraft cluster's)
#   BENCH_JAVA_OPTS="..."                                 the load generator's JVM flags (default below)
#
# Installs Debian's etcd-server (apt-get) when no `etcd` is on PATH. Ports: etcd clients 23791-23793,
# peers 23801-23803; refraft clients 7601-7603, peers 7701-7703. Data in a temp dir, removed at the
# end unless KEEP=1. Every process it starts is stopped by PID on exit (trap), and only those.
# Before its measured runs, each system gets an unrecorded warm-up: WARMUP seconds (default 15) of
# 50/50 load, so the JVM's JIT has compiled the request path (etcd is compiled ahead of time; it gets
# the same load for symmetry). Each bench run then has its own RUN_WARMUP s warm-up (default 3, excluded) and SECONDS
# measured. "server CPU" is the user+system time of the system's 3 server processes during the
# bench run (from /proc/PID/stat) over the operations answered in it, warm-up included (reads'
# one-off preload of every key is in the time, not the count): the part of the cost that does not
# depend on the shared client. "max RSS" is the largest VmHWM (the kernel's peak resident set)
# among the 3 server processes, read from /proc/PID/status right after the run. The last output is
# the table.
set -euo pipefail

seconds=${1:-20}
warmup=${WARMUP:-15}
run_warmup=${RUN_WARMUP:-3}
clients=${2:-64}
mixes=${MIXES:-put get 50/50 txn}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ && "$clients" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: impl/bench/compare-etcd.sh [SECONDS] [CLIENTS]   (positive whole numbers)" >&2
  exit 2
fi
for m in $mixes; do
  case "$m" in put|get|50/50|txn) ;; *) echo "MIXES: unknown mix '$m' (put, get, 50/50, txn)" >&2; exit 2 ;; esac
done
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
refraft="$root/bin/refraft"
# The nodes' JVM flags: `refraft cluster`'s defaults (LocalCluster.NODE_JVM) unless NODE_JAVA_OPTS says otherwise.
node_jvm=()
[ -n "${NODE_JAVA_OPTS:-}" ] && node_jvm=(--node-jvm "$NODE_JAVA_OPTS")
node_opts=${NODE_JAVA_OPTS:-refraft cluster defaults}
# The load generator's JVM flags, the same for both systems.
bench_opts=${BENCH_JAVA_OPTS:--XX:+UseSerialGC}

if ! command -v etcd >/dev/null 2>&1; then
  echo "installing etcd-server (Debian) ..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >&2
fi
etcd --version | sed -n 1p # not head -1: etcd, still writing when head exits, dies of SIGPIPE and set -e -o pipefail ends the script silently

dir=$(mktemp -d "${TMPDIR:-/tmp}/refraft-vs-etcd.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  [ "${KEEP:-0}" = 1 ] && echo "kept $dir" >&2 || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$refraft" --version >/dev/null # builds the project first if needed, outside any measurement

peak_rss_mib() { # the largest VmHWM among the given PIDs, in MiB
  local p max=0 kb
  for p in "$@"; do
    kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt "$max" ] && max=$kb
  done
  echo $((max / 1024))
}

await() { # await WHAT CMD...: polls CMD every 0.2 s for up to 60 s
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "timed out waiting for $what; logs in $dir" >&2
  KEEP=1
  exit 1
}

cpu_ticks() { # user+system clock ticks of the given PIDs
  local p t=0
  for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$t"
}

rows=()
run_benches() { # run_benches SYSTEM API ENDPOINTS PIDS...
  local system=$1 api=$2 endpoints=$3; shift 3
  local m line t0 t1
  if [ "$warmup" -gt 0 ]; then
    echo "== $system: ${warmup} s unrecorded warm-up (50/50)" >&2
    REFRAFT_JAVA_OPTS="$bench_opts" "$refraft" bench --api "$api" --endpoints "$endpoints" --clients "$clients" \
      --duration "$warmup" --warmup 0 --mix 50/50 >/dev/null
  fi
  for m in $mixes; do
    echo "== $system $m: $seconds s, $clients clients ($(uptime | sed 's/.*load/load/'))" >&2
    t0=$(cpu_ticks "$@")
    line=$(REFRAFT_JAVA_OPTS="$bench_opts" "$refraft" bench --api "$api" --endpoints "$endpoints" --clients "$clients" \
      --duration "$seconds" --warmup "$run_warmup" --mix "$m" | tail -1)
    t1=$(cpu_ticks "$@")
    echo "$line" >&2
    rows+=("$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); cpu=float(sys.argv[4]) / int(sys.argv[5]) * 1e6 / max(r["ops_with_warmup"], 1)
print("%s|%s|%.0f|%.1f|%.1f|%.1f|%d|%.0f|%s" % (sys.argv[2], r["mix"], r["throughput"], r["p50_ms"], r["p99_ms"], r["max_ms"], r["errors"], cpu, sys.argv[3]))' \
      "$line" "$system" "$(peak_rss_mib "$@")" "$((t1 - t0))" "$(getconf CLK_TCK)")")
  done
}

# --- etcd: 3 members, default settings (fsync of the WAL on every commit batch) ---
ecluster="e1=http://127.0.0.1:23801,e2=http://127.0.0.1:23802,e3=http://127.0.0.1:23803"
epids=()
for i in 1 2 3; do
  etcd --name "e$i" --data-dir "$dir/etcd/e$i" --logger zap --log-level warn \
    --listen-client-urls "http://127.0.0.1:2379$i" --advertise-client-urls "http://127.0.0.1:2379$i" \
    --listen-peer-urls "http://127.0.0.1:2380$i" --initial-advertise-peer-urls "http://127.0.0.1:2380$i" \
    --initial-cluster "$ecluster" --initial-cluster-state new --initial-cluster-token refraft-bench \
    >"$dir/etcd-e$i.log" 2>&1 &
  pids+=($!); epids+=($!)
done
for i in 1 2 3; do await "etcd e$i" curl -sf "http://127.0.0.1:2379$i/health"; done
run_benches etcd etcd "http://127.0.0.1:23791,http://127.0.0.1:23792,http://127.0.0.1:23793" "${epids[@]}"
for p in "${epids[@]}"; do kill -TERM "$p"; wait "$p" 2>/dev/null || true; done

# --- refraft: `refraft cluster` with its defaults (fsync on, the only mode there is): clients on
# 7601-7603, peers on 7701-7703; the node processes are its children ---
"$refraft" cluster --nodes 3 --port 7601 --dir "$dir/refraft" ${node_jvm[@]+"${node_jvm[@]}"} >"$dir/refraft-cluster.log" 2>&1 &
cluster_pid=$!
pids+=("$cluster_pid")
for i in 1 2 3; do await "refraft n$i" curl -sf "http://127.0.0.1:760$i/status"; done
mapfile -t rpids < <(pgrep -P "$cluster_pid")
[ "${#rpids[@]}" = 3 ] || { echo "expected 3 node processes under refraft cluster ($cluster_pid), found ${#rpids[@]}" >&2; KEEP=1; exit 1; }
run_benches refraft refraft "http://127.0.0.1:7601,http://127.0.0.1:7602,http://127.0.0.1:7603" "${rpids[@]}"
for i in 1 2 3; do
  echo "refraft n$i: $(grep -E '^Vm(HWM|RSS):' "/proc/${rpids[$((i - 1))]}/status" | tr -s ' \n' ' ')" >&2
done

echo
echo "$(nproc) cores; $(uptime | sed 's/.*load/load/'); node JVM: $node_opts; load generator JVM: $bench_opts"
printf '| %-7s | %-5s | %7s | %6s | %6s | %6s | %6s | %18s | %11s |\n' system mix "ops/s" "p50 ms" "p99 ms" "max ms" \
  errors "server CPU µs/op" "max RSS MiB"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' --------- ------- --------- -------- -------- -------- -------- \
  -------------------- -------------
for r in "${rows[@]}"; do
  IFS='|' read -r s m t p50 p99 mx e cpu rss <<<"$r"
  printf '| %-7s | %-5s | %7s | %6s | %6s | %6s | %6s | %18s | %11s |\n' "$s" "$m" "$t" "$p50" "$p99" "$mx" "$e" \
    "$cpu" "$rss"
done
