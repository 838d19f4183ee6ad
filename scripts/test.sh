#!/usr/bin/env bash
# The whole test set-up on a fresh machine, then the tests: what the README tells
# newcomers to run and what .ci/run runs. Installs what the tests need (shells for
# the completion tests, openssl for the TLS tests, python3 for the spec extraction check,
# jq for the help examples that use it, groff for the man page check, pkill and script for
# the terminal and signal tests) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v groff >/dev/null 2>&1 || need+=(groff-base)
command -v pkill >/dev/null 2>&1 || need+=(procps)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
[ -f /usr/share/bash-completion/bash_completion ] || need+=(bash-completion)
command -v man >/dev/null 2>&1 || need+=(man-db)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "scripts/test.sh: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || echo "scripts/test.sh: could not install ${need[*]}; the tests that need them will say so" >&2
  else
    echo "scripts/test.sh: missing ${need[*]} and cannot apt-get install them; the tests that need them will say so" >&2
  fi
fi

swift build
# XCTest only: Swift Testing would close the log with a "0 tests" line.
swift test --disable-swift-testing "$@"
