#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, only when something is missing.
# Usage: scripts/ensure-packages.sh   (uses sudo when not root)
set -euo pipefail
need=()
command -v mvn >/dev/null || need+=(maven)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
# gcc-multilib: the test kernels and the 32-bit differential harness are built with gcc -m32.
if ! echo 'int main(void){return 0;}' | gcc -m32 -static -x c -o /dev/null - >/dev/null 2>&1; then
  need+=(gcc-multilib)
fi
command -v qemu-i386 >/dev/null || need+=(qemu-user)
command -v qemu-system-i386 >/dev/null || need+=(qemu-system-x86)
if [ ${#need[@]} -gt 0 ]; then
  echo "jvisor: installing missing packages: ${need[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
