# Sourced by impl/jcstress.sh, impl/fuzz-net.sh and impl/bench-net.sh: finds a JDK >= 21 and
# compiles the impl tests, writing the test class path. Not a command of its own.

impl_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root_dir=$(cd "$impl_dir/.." && pwd)

java_major() { # the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

find_java() { # prints a java binary >= 21 from JAVA_HOME, PATH or the usual JDK folders
  local d v candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  command -v java >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  for d in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  for d in "${candidates[@]}"; do
    if [ -x "$d/bin/java" ]; then
      v=$(java_major "$d/bin/java")
      if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
        echo "$d/bin/java"
        return 0
      fi
    fi
  done
  echo "needs a JDK 21 or newer; none found in JAVA_HOME, on PATH or in /usr/lib/jvm" >&2
  return 1
}

# Compiles main and test classes of impl (and the modules it needs) and sets test_cp to
# impl's test class path. Compiling and resolving in one reactor run makes the sibling modules
# resolve to their target/classes, so nothing has to be installed first.
build_test_classpath() {
  local cp_file="$impl_dir/target/test.classpath"
  (cd "$root_dir" && mvn -B -q -Dstyle.color=never -pl impl -am test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file") >&2
  test_cp="$impl_dir/target/test-classes:$impl_dir/target/classes:$(cat "$cp_file")"
}
