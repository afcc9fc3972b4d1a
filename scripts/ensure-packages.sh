#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, only when something is missing.
# Usage: scripts/ensure-packages.sh   (uses sudo when not root)
set -euo pipefail
need=()
command -v mvn >/dev/null || need+=(maven)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
[ -e /usr/lib/gcc/x86_64-linux-gnu/12/32/libgcc.a ] || [ -d /usr/lib32 ] && [ -e /usr/include/x86_64-linux-gnu/gnu/stubs-32.h -o -e /usr/include/i386-linux-gnu/gnu/stubs-32.h ] || need+=(gcc-multilib)
command -v qemu-i386 >/dev/null || need+=(qemu-user)
command -v qemu-system-i386 >/dev/null || need+=(qemu-system-x86)
if [ ${#need[@]} -gt 0 ]; then
  echo "jvisor: installing missing packages: ${need[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
