#!/usr/bin/env bash
# Commit throughput and latency of a 3-node local cluster (separate JVMs, fsync on), with the disk's
# raw sequential fsync rate beside it (not a test; the figures depend on the machine).
#   impl/bench/commit-bench.sh [SECONDS (default 20)] [PROPOSERS (default 64)] [DIR (default: a temp dir)]
#   TRACE=1 impl/bench/commit-bench.sh …   the same with every node writing its trace (cluster --trace)
# Starts `refraft cluster` on ports 7401..7403 / 7501..7503, runs `refraft bench` against the leader,
# stops the cluster. The last line of output is one JSON object.
set -euo pipefail
seconds=${1:-20}
proposers=${2:-64}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ && "$proposers" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: impl/bench/commit-bench.sh [SECONDS] [PROPOSERS] [DIR]   (positive whole numbers)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${3:-$(mktemp -d "${TMPDIR:-/tmp}/refraft-bench.XXXXXX")}
mkdir -p "$dir"
refraft="$root/bin/refraft"
port=7401

# Disk probe: sequential 4 KiB writes, each made durable (O_DSYNC), in the cluster's directory.
probe=$( { dd if=/dev/zero of="$dir/fsync-probe" bs=4k count=500 oflag=dsync 2>&1 || true; } | tail -1)
rm -f "$dir/fsync-probe"
secs=$(echo "$probe" | sed -nE 's/.* copied, ([0-9.]+) s.*/\1/p')
probe_rate=$(awk -v s="${secs:-0}" 'BEGIN { if (s > 0) printf "%.0f", 500 / s; else print "null" }')
echo "disk: 500 sequential 4 KiB O_DSYNC writes: $probe ($probe_rate fsyncs/s)"

trace_flag=()
[ "${TRACE:-0}" = 1 ] && trace_flag=(--trace)
"$refraft" cluster --nodes 3 --dir "$dir" --port "$port" "${trace_flag[@]}" >"$dir/cluster.out" 2>&1 &
cluster_pid=$!
cleanup() { kill -TERM "$cluster_pid" 2>/dev/null || true; wait "$cluster_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

leader=""
for _ in $(seq 1 300); do
  leader=$(sed -nE 's/^leader: [^ ]+ (http[^ ]+) .*/\1/p' "$dir/cluster.out" | tail -1)
  [ -n "$leader" ] && break
  kill -0 "$cluster_pid" 2>/dev/null || { cat "$dir/cluster.out" >&2; exit 1; }
  sleep 0.2
done
[ -n "$leader" ] || { echo "no leader within 60 s; see $dir" >&2; exit 1; }
echo "leader: $leader   (cluster output: $dir/cluster.out)"

result=$("$refraft" bench --api raw --endpoints "$leader" --clients "$proposers" --value-size 100 --duration "$seconds" | tail -1)
echo "${result%\}},\"diskFsyncsPerSecond\":$probe_rate}"
