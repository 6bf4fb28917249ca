# Shared shell helpers for ./imvec, scripts/test and .ci/run. Sourced, not run.

IMVEC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf 'imvec: %s\n' "$*" >&2; }

# Prints the home of a JDK >= 21: $JAVA_HOME if new enough, else the newest under /usr/lib/jvm.
find_jdk() {
  local cand v
  for cand in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV) \
              "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$cand" ] && [ -x "$cand/bin/javac" ] || continue
    v=$("$cand/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "${cand%/}"; return 0; fi
  done
  say "no JDK 21 or newer found. Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+) and set JAVA_HOME."
  return 1
}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_updated=""
# Installs Debian packages that are missing, when we are root; otherwise says what to install.
ensure_packages() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if can_apt; then
    say "installing ${missing[*]} (apt-get)"
    if [ -z "$apt_updated" ]; then apt-get update -qq >&2 || true; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 && return 0
  fi
  say "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
  return 1
}

# JVM flags for a JDK home: native access for ONNX Runtime and PyTorch, and (JDK 24+) quiet
# about sun.misc.Unsafe, which protobuf and Guava still use.
jvm_flags() {
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
  printf '%s' "--enable-native-access=ALL-UNNAMED"
  [ "${v%%.*}" -ge 24 ] 2>/dev/null && printf ' %s' "--sun-misc-unsafe-memory-access=allow"
  return 0
}

# libjpeg-turbo's Java binding and its unversioned native library, so JPEGs decode at SIMD speed
# (imvec.data.TurboJpeg loads both at run time). Installed only when we are root; without them
# imvec uses the JDK's JPEG decoder and says so in `imvec bench extract`.
ensure_turbojpeg() {
  [ -f /usr/share/java/turbojpeg.jar ] && compgen -G "/usr/lib/*/libturbojpeg.so" >/dev/null && return 0
  can_apt || return 0
  ensure_packages libturbojpeg-java libturbojpeg0-dev || say "continuing with the JDK's JPEG decoder"
  return 0
}

ensure_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  ensure_packages maven
}

# Builds target/classes and target/lib when any source is newer than the last build.
ensure_build() {
  local stamp="$IMVEC_ROOT/target/.built"
  if [ -f "$stamp" ] && [ -z "$(find "$IMVEC_ROOT/src/main" "$IMVEC_ROOT/pom.xml" -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  ensure_maven || return 1
  say "building (first use or sources changed)…"
  local log="$IMVEC_ROOT/target/build.log"
  mkdir -p "$IMVEC_ROOT/target"
  if ! (cd "$IMVEC_ROOT" && JAVA_HOME="$1" MAVEN_OPTS="$(jvm_flags "$1") ${MAVEN_OPTS:-}" \
        mvn -B -q -ntp package -DskipTests >"$log" 2>&1); then
    cat "$log" >&2; say "build failed (log: $log)"; return 1
  fi
  touch "$stamp"
}

# The imvec-spark module (spark/): installs imvec into the local Maven repository for it to build
# on, then builds spark/target/classes, lib/ (imvec's libraries), spark-jars/ (Spark's own) and the
# job jar. Only the Spark commands and scripts/spark-cluster-test need it; the first build
# downloads Spark's ~290 MB of jars from Maven Central.
ensure_spark_build() {
  local stamp="$IMVEC_ROOT/spark/target/.built"
  if [ -f "$stamp" ] && [ -z "$(find "$IMVEC_ROOT/src/main" "$IMVEC_ROOT/pom.xml" "$IMVEC_ROOT/spark/src/main" "$IMVEC_ROOT/spark/pom.xml" -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  ensure_maven || return 1
  say "building the Spark module (first use or sources changed)…"
  local log="$IMVEC_ROOT/spark/target/build.log"
  mkdir -p "$IMVEC_ROOT/spark/target" "$IMVEC_ROOT/target"
  if ! (cd "$IMVEC_ROOT" && export JAVA_HOME="$1" MAVEN_OPTS="$(jvm_flags "$1") ${MAVEN_OPTS:-}" \
        && mvn -B -q -ntp install -DskipTests && mvn -B -q -ntp -f spark/pom.xml package -DskipTests) >"$log" 2>&1; then
    cat "$log" >&2; say "Spark module build failed (log: $log)"; return 1
  fi
  touch "$IMVEC_ROOT/target/.built" "$stamp"
}

# The job jar executors load (spark.jars) and spark-submit runs.
spark_job_jar() {
  ls "$IMVEC_ROOT"/spark/target/imvec-spark-*-job.jar 2>/dev/null | head -n 1
}

# Classpath of the Spark commands: imvec's and the module's jars (ensure_spark_build rebuilds
# both whenever a source changes), their libraries as the module resolved them (Spark's versions
# where both use one), then Spark. Jars only, no class folders: class data sharing (spark_cds_flags)
# refuses a class path with a non-empty directory on it.
spark_classpath() {
  local r="$IMVEC_ROOT"
  printf '%s' "$(ls "$r"/target/imvec-*.jar | grep -v -- '-sources\.jar$' | head -n 1):$(ls "$r"/spark/target/imvec-spark-*.jar | grep -v -- '-job\.jar$' | head -n 1):$r/spark/target/lib/*:$r/spark/target/spark-jars/*"
}

# JVM flags for class data sharing on a class path ($2, as given to -cp) with JDK $1: a dynamic
# AppCDS archive (JDK 19+) that the first run writes at exit and later runs map instead of loading
# and verifying ~15,000 classes from ~250 jars again (README, "Measured": the gain). The archive
# lives in a cache folder under a name keyed by the JDK and every jar's path, size and time, so
# a rebuilt jar gets a new archive instead of a stale one (the JVM also checks this itself and
# would rewrite it); $3 names the archive's use. The three newest archives of a name are kept.
# IMVEC_CDS=off turns it off.
spark_cds_flags() {
  local jdk="$1" cp="$2" dir key e
  [ "${IMVEC_CDS:-on}" = off ] && return 0
  # The flag exists from JDK 19 on; an older JDK runs without sharing.
  "$jdk/bin/java" -XX:-AutoCreateSharedArchive -version >/dev/null 2>&1 || return 0
  dir="${IMVEC_CDS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/imvec/cds}"
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || return 0
  key=$( { "$jdk/bin/java" -version 2>&1
           local IFS=:
           for e in $cp; do stat -c '%n %s %Y' $e; done; } | sha256sum | cut -c1-16)
  # Each rebuild makes a new key: keep the newest few archives of this name, not one per build.
  ls -t "$dir/$3"-*.jsa 2>/dev/null | tail -n +4 | while read -r e; do rm -f "$e"; done
  # -Dimvec.cds.dir tells imvec-spark where the executors of its own test clusters keep theirs.
  printf -- '-XX:SharedArchiveFile=%s -XX:+AutoCreateSharedArchive -Xlog:cds=off -Xlog:cds+dynamic=off -Dimvec.cds.dir=%s' \
    "$dir/$3-$key.jsa" "$dir"
}
