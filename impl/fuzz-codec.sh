#!/usr/bin/env bash
# Fuzzes the Raft message and log-entry decoders (MessageCodecFuzzTest) with Jazzer for a bounded time.
#   impl/fuzz-codec.sh [SECONDS per target]     default 60
# Seeds: impl/src/test/resources/io/refraft/impl/codec/MessageCodecFuzzTestInputs/<target>/; the
# corpus the fuzzer grows goes to impl/target/fuzz-corpus/codec-<target>/. A finding is written to
# impl/target/fuzz-findings/ and the script exits 1: copy it into the seeds folder so unit tests replay it.
set -euo pipefail
seconds=${1:-60}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: impl/fuzz-codec.sh [SECONDS]  (SECONDS: a positive whole number, got '$seconds')" >&2
  exit 2
fi
source "$(dirname "${BASH_SOURCE[0]}")/scripts-common.sh"
java=$(find_java)
build_test_classpath

findings="$impl_dir/target/fuzz-findings"
mkdir -p "$findings"
status=0
for target in messageBytes entryPayloadBytes; do
  seeds="$impl_dir/src/test/resources/io/refraft/impl/codec/MessageCodecFuzzTestInputs/$target"
  corpus="$impl_dir/target/fuzz-corpus/codec-$target"
  mkdir -p "$corpus"
  echo "fuzzing MessageCodecFuzzTest.$target for ${seconds}s ..."
  "$java" -Xmx1g -XX:+EnableDynamicAgentLoading --enable-native-access=ALL-UNNAMED -cp "$test_cp" \
    com.code_intelligence.jazzer.Jazzer \
    --target_class=io.refraft.impl.codec.MessageCodecFuzzTest \
    --target_method="$target" \
    --instrumentation_includes='io.refraft.**' \
    -max_total_time="$seconds" -artifact_prefix="$findings/" -print_final_stats=1 \
    "$corpus" "$seeds" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "fuzz-codec: finding in $target (exit $status); inputs in $findings" >&2
    exit 1
  fi
done
echo "fuzz-codec: no finding in ${seconds}s per target"
