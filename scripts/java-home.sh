#!/usr/bin/env bash
# Prints the home of a JDK 25 (or newer) install. Sourced by every script that runs Java,
# so a user never has to set JAVA_HOME. Order: $JAVA_HOME if it is new enough, then the
# usual install places.
jvisor_java_version() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
jvisor_find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/java-2[5-9]* /usr/lib/jvm/jdk-2[5-9]*; do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    v=$(jvisor_java_version "$c")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  echo "jvisor: no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm); install Temurin 25" >&2
  return 2
}
