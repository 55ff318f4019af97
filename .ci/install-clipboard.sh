#!/usr/bin/env bash
# Installs what the real clipboard test (ui/clip TestSystemClipboardUnderXvfb)
# needs: Xvfb (a headless X server) and xclip (the tool atotto/clipboard
# drives). Idempotent: does nothing when both are already on PATH.
# Runs apt-get non-interactively; `apt-get update` only when the first
# install attempt fails (stale or missing package lists).
set -euo pipefail

missing=()
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
command -v xclip >/dev/null 2>&1 || missing+=(xclip)

if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-clipboard: Xvfb and xclip already installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-clipboard: need root to install: ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_install() {
	apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"
}

echo "install-clipboard: installing ${missing[*]}"
if ! apt_install; then
	echo "install-clipboard: install failed; refreshing package lists and retrying"
	apt-get update -qq
	apt_install
fi

command -v Xvfb >/dev/null 2>&1 && command -v xclip >/dev/null 2>&1 || {
	echo "install-clipboard: Xvfb or xclip still missing after install" >&2
	exit 1
}
echo "install-clipboard: done"
