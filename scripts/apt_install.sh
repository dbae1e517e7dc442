#!/usr/bin/env bash
# Install Debian packages the test command needs, only those missing.
#
# Usage: scripts/apt_install.sh PACKAGE...
# Another apt or dpkg run (unattended upgrades, a second checkout's set-up) may hold apt's locks: the
# install waits for the dpkg lock through apt's own timeout, and `apt-get update`, which has no such
# option for the lists lock, is retried until the lock is free, for at most LOCK_WAIT seconds.
set -euo pipefail
LOCK_WAIT=${APT_LOCK_WAIT:-600}

missing=()
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo); fi
apt_options=(-o "DPkg::Lock::Timeout=$LOCK_WAIT" -qq)
echo "installing Debian packages: ${missing[*]}"

deadline=$((SECONDS + LOCK_WAIT))
until output=$("${sudo[@]}" apt-get "${apt_options[@]}" update 2>&1); do
  if ! grep -q "Could not get lock" <<<"$output" || [ $SECONDS -ge $deadline ]; then
    echo "$output" >&2
    echo "apt-get update failed; if another package manager is running, wait for it and run this again" >&2
    exit 1
  fi
  echo "waiting for another apt run to release its lock..."
  sleep 5
done
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get "${apt_options[@]}" install -y \
  "${missing[@]}" >/dev/null
