#!/bin/sh
# install-deps.sh — install, on Debian, whatever nabla needs to build and test
# and is not there yet. Does nothing (and needs no network) when all is present.
set -e
need=""
for p in gcc make autoconf automake libtool pkg-config \
         libgmp-dev libmpfr-dev libmpc-dev libreadline-dev \
         libcairo2-dev libfreetype-dev libpng-dev libsixel-dev libcmark-dev \
         fonts-dejavu-core; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
    echo "install-deps: installing$need"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
