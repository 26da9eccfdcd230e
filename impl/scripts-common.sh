# Sourced by impl/jcstress.sh, impl/fuzz-net.sh, impl/fuzz-codec.sh and impl/bench-net.sh: finds a JDK >= 21 and
# compiles the impl tests, writing the test class path. Not a command of its own.

impl_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root_dir=$(cd "$impl_dir/.." && pwd)

here=$root_dir
# shellcheck source=../bin/common.sh
source "$root_dir/bin/common.sh"

find_java() { # prints a java binary >= 21 from JAVA_HOME, PATH or the usual JDK folders
  local jdk
  if ! jdk=$(find_jdk); then
    echo "needs a JDK 21 or newer; none found in JAVA_HOME, on PATH or in /usr/lib/jvm" >&2
    return 1
  fi
  echo "$jdk/bin/java"
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
