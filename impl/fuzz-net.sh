#!/usr/bin/env bash
# Fuzzes the transport's frame and handshake decoders (FrameCodecFuzzTest) with Jazzer for a
# bounded time.
#   impl/fuzz-net.sh [SECONDS]     default 60
# The seed inputs are the regression inputs in
# impl/src/test/resources/io/refraft/impl/net/FrameCodecFuzzTestInputs/connectionBytes/; the corpus
# the fuzzer grows goes to impl/target/fuzz-corpus/net/. A finding is written to
# impl/target/fuzz-findings/ and the script exits 1: copy the file into the inputs folder above so
# the unit tests replay it from then on.
set -euo pipefail
seconds=${1:-60}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: impl/fuzz-net.sh [SECONDS]  (SECONDS: a positive whole number, got '$seconds')" >&2
  exit 2
fi
source "$(dirname "${BASH_SOURCE[0]}")/scripts-common.sh"
java=$(find_java)
build_test_classpath

seeds="$impl_dir/src/test/resources/io/refraft/impl/net/FrameCodecFuzzTestInputs/connectionBytes"
corpus="$impl_dir/target/fuzz-corpus/net"
findings="$impl_dir/target/fuzz-findings"
mkdir -p "$corpus" "$findings"
echo "fuzzing FrameCodecFuzzTest.connectionBytes for ${seconds}s ..."
# Jazzer's own command line runs a @FuzzTest method directly; libFuzzer flags follow the
# Jazzer flags, corpus folders come last (the first one receives new inputs).
status=0
"$java" -Xmx1g -XX:+EnableDynamicAgentLoading --enable-native-access=ALL-UNNAMED -cp "$test_cp" \
  com.code_intelligence.jazzer.Jazzer \
  --target_class=io.refraft.impl.net.FrameCodecFuzzTest \
  --target_method=connectionBytes \
  --instrumentation_includes='io.refraft.**' \
  -max_total_time="$seconds" -artifact_prefix="$findings/" -print_final_stats=1 \
  "$corpus" "$seeds" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz-net: finding (exit $status); inputs in $findings" >&2
  exit 1
fi
echo "fuzz-net: no finding in ${seconds}s; corpus: $(find "$corpus" -type f | wc -l) inputs"
