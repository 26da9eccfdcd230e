#!/usr/bin/env bash
# Runs impl's JCStress tests (classes named *Stress) in a bounded mode: about a minute on 2 cores.
#   impl/jcstress.sh            bounded run (one JVM configuration, no split compilation, 3 x 1.5 s per test)
#   impl/jcstress.sh -m quick   any other JCStress options replace the bounded defaults
#   JCSTRESS_TESTS=REGEX impl/jcstress.sh   only the tests whose class name matches
# Exit code 0 when every test passed, 1 otherwise; the HTML report is in impl/target/jcstress/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts-common.sh"
java=$(find_java)
build_test_classpath

if [ "$#" -eq 0 ]; then
  # -jvmArgs pins one JVM configuration and -sc false one compilation mode instead of the matrix; the
  # native-access flag silences JNA's warning on JDK 24+ (JCStress uses JNA for CPU affinity).
  set -- -jvmArgs "--enable-native-access=ALL-UNNAMED" -sc false -f 1 -fsm 1 -iters 3 -time 1500
fi
report="$impl_dir/target/jcstress"
mkdir -p "$report"
cd "$report" # JCStress writes its result blob into the working directory
log="$report/output.txt"
status=0
"$java" --enable-native-access=ALL-UNNAMED -cp "$test_cp" org.openjdk.jcstress.Main \
  -t "${JCSTRESS_TESTS:-io\.refraft\..*Stress.*}" -r "$report" "$@" >"$log" 2>&1 || status=$?
sed -n '/RUN RESULTS:/,$p' "$log" | grep -v '^WARNING\|^ *WARNING' | head -n 200
# JCStress exits 0 even when a test fails or errs; read its summary instead.
if [ "$status" -ne 0 ] || ! grep -q 'Failed tests: No matches' "$log" || ! grep -q 'Error tests: No matches' "$log"; then
  echo "jcstress: FAILED (full output in $log)" >&2
  exit 1
fi
echo "jcstress: all tests passed (report: $report/index.html)"
