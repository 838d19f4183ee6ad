#!/usr/bin/env bash
# pbxctl benchmark: the release build README installs, against sandboxes seeded with
# 10,000 users and 100,000 CDRs, one on loopback and one 40 ms away (`--latency 40`,
# applied to every request as a distant server would). Every pbxctl figure is
# measured in paired rounds with its reference (each round runs both, back to back), so
# the ratio compares like with like on a shared machine. No shell in the timed commands (hyperfine -N); where the
# reference is itself a script (the curl+jq loops a user would write), the script is
# the command. Output goes through a pipe (--output=pipe) for pbxctl and references
# alike. CPU time (user + system) is reported beside wall time.
# Writes bench/RESULTS.md (committed) and the raw hyperfine JSON to bench/out/.
# Not a test: nothing here asserts a time. RUNS (default 10) and SLOW_RUNS (default 3)
# set the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"

need=()
for tool in hyperfine jq curl; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The release build README's install section gives: static Swift runtime, whole-package optimisation.
swift build -c release --static-swift-stdlib -Xswiftc -cross-module-optimization --scratch-path .build-release 2>&1 | tail -1
BIN=$PWD/.build-release/release/pbxctl
RUNS=${RUNS:-10}
SLOW_RUNS=${SLOW_RUNS:-3}
export HOME=$PWD/$OUT/home
mkdir -p "$HOME"

# Answers are checked against the vendor document in every test; here that checking
# would be timed as if it were the server, so it is off.
# Not in a subshell: the trap must know every sandbox's process to stop it.
start_sandbox() { # name, flags...; sets URL
  local name=$1; shift
  "$BIN" sandbox --port 0 --no-answer-check "$@" > "$OUT/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 300); do grep -q "listening on" "$OUT/$name.log" 2>/dev/null && break; sleep 0.1; done
  URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$OUT/$name.log" | head -1)
}
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done; wait 2>/dev/null || true' EXIT
start_sandbox near --users 10000 --cdrs 100000; NEAR=$URL
start_sandbox far --users 10000 --cdrs 500 --latency 40; FAR=$URL
TOKEN=sandbox-portsip-token
export PBXCTL_TOKEN=$TOKEN
echo "sandboxes at $NEAR (loopback) and $FAR (40 ms per request)"

# The scripts a user would write without pbxctl.
cat > "$OUT/curl-jq-loop.sh" <<'SCRIPT'
#!/usr/bin/env bash
# Page through /users with skip/top until count is reached, one curl and one jq a page.
skip=0; total=1
while [ "$skip" -lt "$total" ]; do
  page=$(curl -s -H "Authorization: Bearer $PBXCTL_TOKEN" "$PBXCTL_URL/api/users?skip=$skip&top=100")
  total=$(jq -r '.count' <<<"$page")
  jq -c '.items[]' <<<"$page"
  skip=$((skip + 100))
done
SCRIPT
cat > "$OUT/curl-jq-cdrs.sh" <<'SCRIPT'
#!/usr/bin/env bash
curl -s -H "Authorization: Bearer $PBXCTL_TOKEN" "$PBXCTL_URL/api/user/cdrs" | jq -c '.items[]'
SCRIPT
pages() { # base url, file: the 100 page URLs of 10,000 users, for curl --parallel -K
  : > "$2"
  for skip in $(seq 0 100 9900); do
    printf 'url = "%s/portsip/api/users?skip=%d&top=100"\noutput = "/dev/null"\nheader = "Authorization: Bearer %s"\n' "$1" "$skip" "$TOKEN" >> "$2"
  done
}
pages "$NEAR" "$OUT/pages-near.curl"
pages "$FAR" "$OUT/pages-far.curl"
cat > "$OUT/curl-import-loop.sh" <<'SCRIPT'
#!/usr/bin/env bash
# One curl POST per CSV row, sequentially.
tail -n +2 "$1" | while IFS=, read -r name display email role ext pw sip pin; do
  curl -s -o /dev/null -X POST -H "Authorization: Bearer $PBXCTL_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$name\",\"display_name\":\"$display\",\"email\":\"$email\",\"role\":\"$role\",\"extension_number\":\"$ext\",\"password\":\"$pw\",\"extension_password\":\"$sip\",\"voicemail_pin\":\"$pin\"}" \
    "$PBXCTL_URL/api/users"
done
SCRIPT
# Each import run needs 1,000 users the PBX does not have yet.
cat > "$OUT/make-import.sh" <<'SCRIPT'
#!/usr/bin/env bash
n=$(( $(cat "$1.counter" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$1.counter"
{ echo "name,display_name,email,role,extension_number,password,extension_password,voicemail_pin"
  for i in $(seq 1000); do echo "b${n}.u${i},Bench $n $i,b${n}u${i}@example.com,StandardUser,$((n * 10000 + i + 100000)),Pass#$i,Sip#$i,385920"; done; } > "$1"
rm -f "$1.failed.csv"
SCRIPT
chmod +x "$OUT"/*.sh

# Paired runs: each round runs every command once, back to back (hyperfine -N --runs 1,
# output through a pipe), so a pbxctl run and its reference see the same load on a
# shared machine; the first round is a warm-up and is dropped. Wall: the median over
# rounds; CPU: the mean. Extra hyperfine options (--prepare) go before the commands.
bench() { # name, rounds, [hyperfine options...] -n NAME COMMAND ...
  local name=$1 rounds=$2; shift 2
  rm -f "$OUT/$name".round-*.json
  [ "${WARMUP:-1}" = 0 ] || hyperfine -N --output=pipe --runs 1 "$@" >/dev/null
  for round in $(seq "$rounds"); do
    hyperfine -N --output=pipe --runs 1 --export-json "$OUT/$name.round-$round.json" "$@" >/dev/null
  done
  jq -s '{rounds: length, results: [range(0; .[0].results | length) as $k | {command: .[0].results[$k].command,
      times: [.[].results[$k].mean], user: ([.[].results[$k].user] | add / length), system: ([.[].results[$k].system] | add / length)}
    | .median = (.times | sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end)]}' \
    "$OUT/$name".round-*.json > "$OUT/$name.json"
}
wall() { jq -r ".results[$2].median * 1000" "$OUT/$1.json"; }
cpu() { jq -r "(.results[$2].user + .results[$2].system) * 1000" "$OUT/$1.json"; }
ms() { awk -v a="$1" 'BEGIN { if (a >= 100) printf "%.0f ms", a; else printf "%.1f ms", a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
met() { awk -v r="$1" -v t="$2" -v dir="$3" 'BEGIN { if (dir == "le" ? r <= t : r >= t) print "yes"; else print "**no**" }'; }
rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f MiB", $1/1024}'; }

echo "== 1. start-up"
export PBXCTL_URL=$NEAR/portsip
bench start 100 "$BIN --version" "curl --version" "$BIN users list --limit 1 --dry-run"
S_P=$(wall start 0); S_C=$(wall start 1); S_D=$(wall start 2)

echo "== 2. list 10,000 users to JSON Lines, loopback"
bench list "$RUNS" -n pbxctl "$BIN users list --all -o jsonl" -n "curl --parallel" "curl -s --parallel --parallel-max 8 -K $OUT/pages-near.curl"
L_P=$(wall list 0); L_C=$(wall list 1); L_PU=$(cpu list 0); L_CU=$(cpu list 1)
bench loop "$SLOW_RUNS" -n pbxctl "$BIN users list --all -o jsonl" -n "curl+jq loop" "bash $OUT/curl-jq-loop.sh"
J_P=$(wall loop 0); J_J=$(wall loop 1)
L_PR=$(rss "$BIN" users list --all -o jsonl)
COUNT=$("$BIN" users list --all -o jsonl | wc -l)

echo "== 3. export 100,000 CDRs to JSON Lines, loopback"
bench cdrs "$SLOW_RUNS" -n pbxctl "$BIN cdrs list --all -o jsonl" -n "curl -o /dev/null" "curl -s -o /dev/null -H 'Authorization: Bearer $TOKEN' $PBXCTL_URL/api/user/cdrs" \
  -n "curl | jq" "bash $OUT/curl-jq-cdrs.sh"
C_P=$(wall cdrs 0); C_C=$(wall cdrs 1); C_J=$(wall cdrs 2); C_PU=$(cpu cdrs 0); C_CU=$(cpu cdrs 1)
C_PR=$(rss "$BIN" cdrs list --all -o jsonl); C_JR=$(rss bash "$OUT/curl-jq-cdrs.sh")
CDRS=$("$BIN" cdrs list --all -o jsonl | wc -l)
BYTES=$(curl -s -H "Authorization: Bearer $TOKEN" "$PBXCTL_URL/api/user/cdrs" | wc -c)

echo "== 4. list 10,000 users, 40 ms away"
export PBXCTL_URL=$FAR/portsip
bench far "$SLOW_RUNS" -n pbxctl "$BIN users list --all -o jsonl" -n "curl --parallel" "curl -s --parallel --parallel-max 8 -K $OUT/pages-far.curl"
F_P=$(wall far 0); F_C=$(wall far 1)
FCOUNT=$("$BIN" users list --all -o jsonl | wc -l)

echo "== 5. import 1,000 users, 40 ms away"
WARMUP=0 bench import "$SLOW_RUNS" --prepare "bash $OUT/make-import.sh $OUT/import.csv" \
  -n pbxctl "$BIN users import $OUT/import.csv" -n "sequential curl loop" "bash $OUT/curl-import-loop.sh $OUT/import.csv"
I_P=$(wall import 0); I_C=$(wall import 1)
bash "$OUT/make-import.sh" "$OUT/import.csv"
IMPORTED=$("$BIN" users import "$OUT/import.csv" 2>&1 | tail -1)
FAULTS=$(curl -s "$FAR/_sandbox/stats" | jq -c '.faults')

R_S=$(ratio "$S_P" "$S_C"); R_D=$(ratio "$S_D" "$S_C")
R_L=$(ratio "$L_P" "$L_C"); R_LU=$(ratio "$L_PU" "$L_CU"); R_J=$(ratio "$J_J" "$J_P")
R_C=$(ratio "$C_P" "$C_C"); R_CJ=$(ratio "$C_J" "$C_P")
R_F=$(ratio "$F_P" "$F_C"); R_I=$(ratio "$I_C" "$I_P")
C_PRN=${C_PR% MiB}
{
  echo "# Benchmark results"
  echo
  echo "Generated by \`bash bench/run.sh\` (RUNS=$RUNS, SLOW_RUNS=$SLOW_RUNS) on $(date -u +%Y-%m-%d), one run;"
  echo "every figure below comes from that run. Do not edit by hand: run it again."
  echo
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM,"
  echo "Linux $(uname -r); $(swift --version 2>/dev/null | head -1 | sed 's/ (.*//'); $(curl --version | head -1 | cut -d' ' -f1-2); $(jq --version); $(hyperfine --version)."
  echo "pbxctl is the release build from README's install section (\`--static-swift-stdlib"
  echo "-Xswiftc -cross-module-optimization\`). The sandboxes (release build, answers not checked"
  echo "against the vendor document) run on the same CPUs, so every figure includes the"
  echo "server's time; pbxctl and its references hit the same server in the same hyperfine run."
  echo
  echo "How: paired runs. Each round runs pbxctl and its references once each, back to back,"
  echo "with \`hyperfine -N --output=pipe --runs 1\` (no shell; each timed program writes into a"
  echo "pipe), so both see the same load on this shared machine; a first round is a warm-up and"
  echo "is dropped. Rounds: 100 for start-up, RUNS for the loopback list, SLOW_RUNS for the rest."
  echo "Wall is the median over rounds; CPU is user + system, the mean over the same rounds; peak"
  echo "RSS is \`/usr/bin/time -f %M\` of one more run. Ratios are pbxctl / reference unless the"
  echo "row says otherwise. The far sandbox is \`pbxctl sandbox --latency 40\`: every request"
  echo "waits 40 ms on its own connection, as behind a distant server. The raw hyperfine JSON"
  echo "is in \`bench/out/\` (not committed)."
  echo
  echo "| # | measurement | pbxctl | reference (same rounds) | ratio | goal | met |"
  echo "|---|---|---|---|---|---|---|"
  echo "| 1 | list $COUNT users to JSONL, loopback: wall | $(ms "$L_P") | \`curl -s --parallel --parallel-max 8 -K pages\`: $(ms "$L_C") | $R_L× | ≤ 1.25× | $(met "$R_L" 1.25 le) |"
  echo "| 1 | same: CPU | $(ms "$L_PU") | curl: $(ms "$L_CU") | $R_LU× | ≤ 2× | $(met "$R_LU" 2 le) |"
  echo "| 1 | export $CDRS CDRs ($BYTES bytes in one answer) to JSONL: wall | $(ms "$C_P"), CPU $(ms "$C_PU") | \`curl -s -o /dev/null\` of the same answer: $(ms "$C_C"), CPU $(ms "$C_CU") | $R_C× | ≤ 1.5× | $(met "$R_C" 1.5 le) |"
  echo "| 1 | same: peak RSS | $C_PR | | | ≤ 32 MiB | $(met "$C_PRN" 32 le) |"
  echo "| 1 | same, against \`curl … \| jq -c '.items[]'\` | $(ms "$C_P") | $(ms "$C_J"), peak $C_JR | jq/pbxctl $R_CJ× | (information) | |"
  echo "| 2 | list $FCOUNT users to JSONL, 40 ms away | $(ms "$F_P") | \`curl --parallel-max 8\`, same sandbox: $(ms "$F_C") | $R_F× | ≤ 1.2× | $(met "$R_F" 1.2 le) |"
  echo "| 2 | import 1,000 users, 40 ms away (adaptive concurrency) | $(ms "$I_P") | sequential curl loop: $(ms "$I_C") | loop/pbxctl $R_I× | ≥ 25× | $(met "$R_I" 25 ge) |"
  echo "| 3 | start-up, \`--version\` | $(ms "$S_P") | \`curl --version\`: $(ms "$S_C") | $R_S× | ≤ 1× | $(met "$R_S" 1 le) |"
  echo "| 3 | start-up of a PortSIP command, \`users list --limit 1 --dry-run\` | $(ms "$S_D") | \`curl --version\`: $(ms "$S_C") | $R_D× | (information) | |"
  echo "| – | list $COUNT users, loopback, against the curl+jq skip/top loop | $(ms "$J_P") | $(ms "$J_J") | loop/pbxctl $R_J× | (information) | |"
  echo
  echo "Peak RSS of the 10,000-user list: $L_PR. An import of 1,000 more users against the"
  echo "far sandbox after the timed runs ended with: \`$IMPORTED\`; the far sandbox's"
  echo "injected-fault counters for the whole run: \`$FAULTS\` (none expected: it sets no limit)."
} > "$OUT/RESULTS.md"
cp "$OUT/RESULTS.md" bench/RESULTS.md
cat bench/RESULTS.md
