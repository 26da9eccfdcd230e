#!/usr/bin/env bash
# Fuzzes each storage decoder with Jazzer for a bounded time: impl/fuzz.sh [SECONDS per target, default 60].
# A finding fails the run; Jazzer saves its input under src/test/resources/.../WalFuzzTestInputs/<target>/,
# where every later `mvn verify` replays it (commit it with the fix). The generated corpus stays in
# impl/.cifuzz-corpus/ (not committed), so repeated runs continue where the last one stopped.
set -euo pipefail
seconds=${1:-60}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: impl/fuzz.sh [SECONDS]   (a positive whole number of seconds per target; got '$seconds')" >&2
  exit 2
fi
impl=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$impl")
targets=(segmentReader recovery metaFile)
# Recovery fsyncs; on tmpfs an fsync costs nothing, which multiplies the recovery target's rate.
ramdir=""
[ -d /dev/shm ] && [ -w /dev/shm ] && ramdir=/dev/shm
mkdir -p "$impl/target"
status=0
for t in "${targets[@]}"; do
  log="$impl/target/fuzz-$t.log"
  echo "fuzz.sh: WalFuzzTest#$t for ${seconds}s (log: impl/target/fuzz-$t.log)"
  start=$(date +%s)
  # jazzer.hooks=true turns on Jazzer's coverage instrumentation, which the unit-test runs leave off.
  if (cd "$root" && JAZZER_FUZZ=1 mvn -B -pl impl -am test -Dtest="WalFuzzTest#$t" \
      -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.hooks=true -Djazzer.max_duration="${seconds}s" -Drefraft.fuzz.tmpdir="$ramdir" \
      >"$log" 2>&1); then
    result=ok
  else
    result=FAILED
    status=1
  fi
  done_line=$(grep -a -E '^Done [0-9]+ runs' "$log" | tail -1 || true)
  cov_line=$(grep -a -E 'DONE +cov:' "$log" | tail -1 || true)
  echo "fuzz.sh: $t $result after $(( $(date +%s) - start ))s wall: ${done_line:-no libFuzzer summary} ${cov_line:+| ${cov_line#*DONE }}"
  if [ "$result" = FAILED ]; then
    grep -a -E 'Exception|Error|crash-|ERROR' "$log" | head -20 >&2 || true
  fi
done
exit $status
