#!/usr/bin/env bash
# Snapshot benchmarks on what `refraft cluster` starts (3 node JVMs, fsync on, loopback); not a test,
# the figures depend on the machine.
#
#   impl/bench/snapshot-bench.sh steady SECONDS [ENTRIES|off]
#       `refraft bench --mix put` for SECONDS against the cluster, the nodes snapshotting every ENTRIES
#       applied entries (default: the node's default, 100000; off: never). Every 10 s one line: the
#       leader's commit index and rate since the last line, each node's data directory size (du) and
#       RSS. Last line: one JSON object with the bench's figures, the peaks, the nodes' CPU time
#       (user + system of the three JVMs, from /proc, over the bench's whole run with its warm-up) per
#       put acknowledged in that time (ops_with_warmup less errors), and each node's heap after a
#       full collection at the end (used / committed MB).
#   impl/bench/snapshot-bench.sh catchup ENTRIES [KEYS]
#       kill -9 a follower, put ENTRIES more entries (values of 100 B over KEYS keys, default 1000000)
#       through the leader, restart the follower with its own command line, and time from its start
#       until it has applied the leader's commit index. Last line: one JSON object.
#   impl/bench/snapshot-bench.sh restart ENTRIES VALUE_SIZE [KEYS]
#       put ENTRIES entries of VALUE_SIZE bytes over KEYS keys (default 1000) with every node up (a
#       history of ENTRIES x VALUE_SIZE bytes), then kill -9 a follower and restart it with its own
#       command line: the seconds until it answers (recovered from its disk) and until it has applied
#       the leader's commit index. Last line: one JSON object.
#
# Ports 7401..7403 (client) and 7501..7503 (peer); data in a temporary directory, deleted at the end
# unless KEEP=1. NODE_JVM=FLAGS: the nodes' JVM flags instead of the default (`refraft cluster --node-jvm`).
set -euo pipefail
mode=${1:-}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
refraft="$root/bin/refraft"
port=7401
usage() {
  echo "usage: impl/bench/snapshot-bench.sh steady SECONDS [ENTRIES|off] | catchup ENTRIES [KEYS]" \
    "| restart ENTRIES VALUE_SIZE [KEYS]" >&2
  exit 2
}
whole() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }
case "$mode" in
  steady) whole "${2:-}" || usage; every=${3:-100000}
          [ "$every" = off ] || whole "$every" || usage ;;
  catchup) whole "${2:-}" || usage; keys=${3:-1000000}; whole "$keys" || usage; value_size=100 ;;
  restart) whole "${2:-}" && whole "${3:-}" || usage; value_size=$3; keys=${4:-1000}; whole "$keys" || usage ;;
  *) usage ;;
esac

dir=$(mktemp -d "${TMPDIR:-/tmp}/refraft-snapbench.XXXXXX")
node_args=()
if [ "$mode" = steady ] && [ "$every" = off ]; then
  node_args=(--node-args "--snapshot-entries 9223372036854775807 --snapshot-bytes 9223372036854775807")
elif [ "$mode" = steady ]; then
  node_args=(--node-args "--snapshot-entries $every")
fi
[ -n "${NODE_JVM:-}" ] && node_args+=(--node-jvm "$NODE_JVM")
"$refraft" cluster --nodes 3 --dir "$dir" --port "$port" ${node_args[@]+"${node_args[@]}"} >"$dir/cluster.out" 2>&1 &
cluster_pid=$!
restarted_pid=""
cleanup() {
  [ -n "$restarted_pid" ] && kill -TERM "$restarted_pid" 2>/dev/null || true
  kill -TERM "$cluster_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] && echo "kept $dir" >&2 || rm -rf "$dir"
}
trap cleanup EXIT INT TERM

status() { curl -sf --max-time 2 "http://127.0.0.1:$1/status" || echo '{}'; }
field() { python3 -c 'import json,sys
d=json.load(sys.stdin); print(d.get(sys.argv[1], ""))' "$1"; }
# the client port of the node that leads (empty when none answers as leader)
leader_port() {
  for p in $port $((port + 1)) $((port + 2)); do
    [ "$(status $p | field role)" = Leader ] && { echo $p; return; }
  done
  return 0
}
# pid of node i's JVM (a child of the launcher whose command line names its data directory)
node_pid() {
  for c in $(pgrep -P "$cluster_pid"); do
    tr '\0' ' ' <"/proc/$c/cmdline" | grep -q -- "$dir/n$1 " && { echo "$c"; return; }
  done
  return 0
}
lp=""
for _ in $(seq 1 300); do
  lp=$(leader_port); [ -n "$lp" ] && break
  kill -0 "$cluster_pid" 2>/dev/null || { cat "$dir/cluster.out" >&2; exit 1; }
  sleep 0.2
done
[ -n "$lp" ] || { echo "no leader within 60 s; see $dir" >&2; exit 1; }
eps=http://127.0.0.1:$port,http://127.0.0.1:$((port + 1)),http://127.0.0.1:$((port + 2))

# CPU seconds (user + system) the three node JVMs have used so far
nodes_cpu() {
  local t=0 p
  for i in 1 2 3; do
    p=$(node_pid $i)
    t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
  done
  python3 -c "print($t / $(getconf CLK_TCK))"
}

if [ "$mode" = steady ]; then
  seconds=$2
  cpu0=$(nodes_cpu)
  "$refraft" bench --endpoints "$eps" --mix put --duration "$seconds" >"$dir/bench.out" 2>&1 &
  bench_pid=$!
  peak_disk=0; peak_rss=0; last_commit=0; last_t=$(date +%s.%N)
  echo "t_s commit rate_per_s disk_mb(n1,n2,n3) rss_mb(n1,n2,n3) snapshotIndex(leader)"
  start=$(date +%s)
  while kill -0 "$bench_pid" 2>/dev/null; do
    sleep 10
    now=$(date +%s.%N); lp=$(leader_port); [ -n "$lp" ] || continue
    s=$(status "$lp"); commit=$(echo "$s" | field commitIndex); snap=$(echo "$s" | field snapshotIndex)
    disks=""; rsss=""
    for i in 1 2 3; do
      d=$(du -sm "$dir/n$i" | cut -f1); disks="$disks$d,"; [ "$d" -gt "$peak_disk" ] && peak_disk=$d
      pid=$(node_pid $i); r=$(( $(ps -o rss= -p "$pid" 2>/dev/null || echo 0) / 1024 ))
      rsss="$rsss$r,"; [ "$r" -gt "$peak_rss" ] && peak_rss=$r
    done
    rate=$(python3 -c "print(round(($commit-$last_commit)/($now-$last_t)))")
    echo "$(( $(date +%s) - start )) $commit $rate ${disks%,} ${rsss%,} $snap"
    last_commit=$commit; last_t=$now
  done
  wait "$bench_pid" || true
  cpu=$(python3 -c "print($(nodes_cpu) - $cpu0)")
  # what each node's heap holds after a full collection (jcmd GC.run), against what it has committed
  live=""
  jcmd="$(dirname "$(readlink -f "/proc/$(node_pid 1)/exe")")/jcmd"
  for i in 1 2 3; do
    pid=$(node_pid $i)
    "$jcmd" "$pid" GC.run >/dev/null
    live="$live$("$jcmd" "$pid" GC.heap_info | awk '/total/ { for (j = 1; j <= NF; j++) { if ($j == "total") c += $(j+1); if ($j == "used") u += $(j+1) } }
      END { gsub(/K/, "", c); printf "%d/%d,", u / 1024, c / 1024 }')"
  done
  result=$(tail -1 "$dir/bench.out")
  cpu_per_put=$(python3 -c 'import json,sys
d=json.loads(sys.argv[1]); n=d.get("ops_with_warmup", 0) - d.get("errors", 0)
print(round(float(sys.argv[2]) * 1e6 / n) if n else "null")' "$result" "$cpu")
  echo "${result%\}},\"nodesCpuSeconds\":$(printf %.1f "$cpu"),\"nodesCpuMicrosPerPut\":$cpu_per_put,\"snapshotEvery\":\"$every\",\"peakDiskMbPerNode\":$peak_disk,\"peakRssMb\":$peak_rss,\"liveHeapMbAfterGcOfCommitted\":\"${live%,}\"}"
  exit 0
fi

# catchup and restart: a follower killed with -9 and restarted with its own command line.
entries=$2
f=""
for i in 1 2 3; do [ $((port + i - 1)) != "$lp" ] && { f=$i; break; }; done
fport=$((port + f - 1))
fpid=$(node_pid "$f")
mapfile -d '' cmd <"/proc/$fpid/cmdline"
fcwd=$(readlink "/proc/$fpid/cwd")
# puts until the leader's commit index reaches $1
put_until() {
  while :; do
    lp=$(leader_port)
    [ -n "$lp" ] && [ "$(status "$lp" | field commitIndex)" -ge "$1" ] && break
    "$refraft" bench --endpoints "$eps" --mix put --keys "$keys" --value-size "$value_size" --duration 20 \
      --warmup 0 2>/dev/null | tail -1 >"$dir/bench.out"
  done
}
start_commit=$(status "$lp" | field commitIndex)
t0=$(date +%s.%N)
if [ "$mode" = catchup ]; then
  kill -KILL "$fpid"
  echo "follower n$f killed at commit $start_commit; putting $entries entries over $keys keys"
  put_until $((start_commit + entries))
else
  echo "putting $entries entries of $value_size bytes over $keys keys"
  put_until $((start_commit + entries))
fi
s=$(status "$lp"); commit=$(echo "$s" | field commitIndex); snap=$(echo "$s" | field snapshotIndex)
echo "wrote to commit $commit in $(python3 -c "print(round($(date +%s.%N)-$t0))") s; leader snapshotIndex $snap;" \
  "data dirs (MB): $(du -sm "$dir"/n1 "$dir"/n2 "$dir"/n3 | cut -f1 | tr '\n' ' ')"
if [ "$mode" = restart ]; then
  # the follower has applied what the leader committed: its disk holds the whole history's outcome
  until [ "$(status "$fport" | field lastApplied)" -ge "$commit" ]; do sleep 0.1; done
  fs=$(status "$fport")
  echo "follower n$f at lastApplied $(echo "$fs" | field lastApplied), snapshotIndex $(echo "$fs" | field snapshotIndex)," \
    "data dir $(du -sm "$dir/n$f" | cut -f1) MB ($(ls "$dir/n$f" | tr '\n' ' ')); kill -9"
  kill -KILL "$fpid"
  while kill -0 "$fpid" 2>/dev/null; do sleep 0.05; done
fi
(cd "$fcwd" && exec "${cmd[@]}" >>"$dir/n$f.restart.log" 2>&1) &
restarted_pid=$!
# polls the restarted follower every 20 ms: seconds until it answers, until it holds the leader's
# snapshot, and until it has applied the leader's commit index
timing=$(python3 - "$fport" "$commit" "$snap" "$restarted_pid" <<'PY'
import json, os, sys, time, urllib.request
port, commit, snap, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t0 = time.time(); up = installed = None
while True:
    try:
        os.kill(pid, 0)
    except OSError:
        print("exited"); sys.exit(0)
    try:
        d = json.load(urllib.request.urlopen("http://127.0.0.1:%s/status" % port, timeout=2))
    except Exception:
        d = None
    now = round(time.time() - t0, 2)
    if d is not None:
        up = up if up is not None else now
        if installed is None and d["snapshotIndex"] >= snap:
            installed = now
        if d["lastApplied"] >= commit:
            print(json.dumps({"answeringAfterSeconds": up, "leaderSnapshotHeldAfterSeconds": installed,
                              "appliedLeaderCommitAfterSeconds": now, "followerSnapshotIndex": d["snapshotIndex"]}))
            sys.exit(0)
    time.sleep(0.02)
PY
)
[ "$timing" = exited ] && { echo "restarted n$f exited; see its log" >&2; tail "$dir/n$f.restart.log" >&2; exit 1; }
echo "{\"mode\":\"$mode\",\"entries\":$((commit - start_commit)),\"valueSize\":$value_size,\"keys\":$keys,\"leaderCommit\":$commit,\"leaderSnapshotIndex\":$snap,\"followerDataMb\":$(du -sm "$dir/n$f" | cut -f1),${timing#\{}"
