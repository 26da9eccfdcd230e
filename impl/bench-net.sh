#!/usr/bin/env bash
# Measures TcpTransport throughput on loopback (messages/s, MB/s) for 100-byte and 4 KiB payloads.
#   impl/bench-net.sh [SECONDS per payload size]     default 5
# The last line of output is one JSON object with the figures.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts-common.sh"
java=$(find_java)
build_test_classpath
exec "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$test_cp" \
  io.refraft.impl.net.TransportBenchmark "$@"
