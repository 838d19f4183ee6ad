#!/usr/bin/env bash
# Regenerates every file made from the command tree and the catalog (completions, the
# command reference, the man page, the operation reference) with the built binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/pbxctl}
"$bin" completion bash > completions/pbxctl.bash
"$bin" completion zsh > completions/_pbxctl
"$bin" completion fish > completions/pbxctl.fish
"$bin" __reference commands > docs/commands.md
"$bin" __reference man > docs/pbxctl.1
"$bin" __reference operations > docs/operations.md
