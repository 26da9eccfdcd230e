# Sourced by bin/refraft, bin/refraft-tool and impl/scripts-common.sh, not a command of its own: finding a JDK >= 21 and
# telling whether the build is older than its sources. Expects $here, the repository root.

java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

jdk_major() { # prints the major version of the JDK in $1: from its release file, else by asking its java
  local v
  # every JDK since 9 ships a release file; reading it spares starting a JVM per candidate (about
  # 0.4 s each on a loaded machine, several candidates per launch)
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1)
  if [ -z "$v" ]; then
    v=$(java_major "$1/bin/java")
  fi
  echo "$v"
}

find_jdk() { # prints a JAVA_HOME whose java and javac are >= 21
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local d
  for d in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  for d in "${candidates[@]}"; do
    if [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ]; then
      local v
      v=$(jdk_major "$d")
      if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
        echo "$d"
        return 0
      fi
    fi
  done
  return 1
}

sources_stamp() { # a digest of every build input's path and mtime: edits, additions and deletions all change it
  (cd "$here" && find . -path ./.git -prune -o -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
      -type f -printf '%p %T@\n' 2>/dev/null | LC_ALL=C sort | cksum)
}

require_jdk() { # require_jdk WHO: sets jdk to a JAVA_HOME >= 21, or says what to install and exits 2
  if ! jdk=$(find_jdk); then
    echo "$1: needs a JDK 21 or newer (java and javac); none found in JAVA_HOME, on PATH or in /usr/lib/jvm." >&2
    echo "$1: install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+) and/or set JAVA_HOME." >&2
    exit 2
  fi
}

quiet_build() { # quiet_build WHO MAVEN-ARGS...: mvn in the repository root, its output shown only if it fails (exit 2)
  local who=$1 log
  shift
  if ! command -v mvn >/dev/null 2>&1; then
    echo "$who: needs Apache Maven 3.8+ to build itself; install it (e.g. 'apt-get install maven')." >&2
    exit 2
  fi
  log=$(mktemp)
  if ! (cd "$here" && mvn -B -q -Dstyle.color=never "$@" >"$log" 2>&1); then
    cat "$log" >&2
    rm -f "$log"
    echo "$who: build failed (output above)." >&2
    exit 2
  fi
  rm -f "$log"
}
