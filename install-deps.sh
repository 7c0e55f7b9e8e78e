#!/bin/sh
# Install what building and testing tffam needs on Debian 12 (bookworm) or later.
# Run as root, or as a user with sudo. Safe to run again.
set -e
pkgs="autoconf automake make gcc pkg-config libxml2-dev libxml2-utils zlib1g-dev tcl8.6"
# Reliability checks in .ci/run (issue 10): valgrind for `make check-valgrind`;
# clang and its sanitizer/libFuzzer runtime (libclang-rt-dev) for `make fuzz`;
# clang's OpenMP (libomp-dev) for the clang build that .ci/run compares with gcc's.
pkgs="$pkgs valgrind clang libclang-rt-dev libomp-dev"
[ -n "$TFF_EXTRA_PKGS" ] && pkgs="$pkgs $TFF_EXTRA_PKGS"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
