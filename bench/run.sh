#!/usr/bin/env bash
# pbxctl benchmark: release build against a sandbox seeded with 10,000 users and
# 100,000 CDRs. Prints median wall time (hyperfine) and peak RSS (/usr/bin/time),
# side by side in one run, for pbxctl and the curl/jq scripts a user would write.
# Not a test: nothing here asserts a time. Results land in bench/out/.
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

# Answers are checked against the vendor document in every test; here that checking
# would be timed as if it were the server, so it is off.
"$BIN" sandbox --port 0 --users 10000 --cdrs 100000 --no-answer-check > "$OUT/sandbox.log" 2>&1 &
SANDBOX=$!
trap 'kill -INT $SANDBOX 2>/dev/null; wait $SANDBOX 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$OUT/sandbox.log" 2>/dev/null && break; sleep 0.1; done
BASE=$(grep -o 'http://127.0.0.1:[0-9]*' "$OUT/sandbox.log" | head -1)
export PBXCTL_URL=$BASE/portsip PBXCTL_TOKEN=sandbox-portsip-token BASE
API=$PBXCTL_URL/api
echo "sandbox at $BASE"

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
: > "$OUT/pages.curl"
for skip in $(seq 0 100 9900); do
  printf 'url = "%s/users?skip=%d&top=100"\noutput = "/dev/null"\n' "$API" "$skip" >> "$OUT/pages.curl"
done
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
SCRIPT
chmod +x "$OUT"/*.sh

median() { jq -r ".results[$2].median * 1000 | . * 10 | round / 10" "$1"; }
rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}'; }

echo "== 1. cold start"
hyperfine -N --warmup 20 --runs 200 --export-json "$OUT/start.json" "$BIN --version" "curl --version" >/dev/null
S_P=$(median "$OUT/start.json" 0); S_C=$(median "$OUT/start.json" 1)
S_PR=$(rss "$BIN" --version); S_CR=$(rss curl --version)

echo "== 2. list 10,000 users to JSON Lines"
hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/list.json" \
  -n pbxctl "$BIN users list --all -o jsonl > /dev/null" \
  -n curl+jq "bash $OUT/curl-jq-loop.sh > /dev/null" \
  -n "curl --parallel" "curl -s --parallel --parallel-max 8 -H 'Authorization: Bearer $PBXCTL_TOKEN' -K $OUT/pages.curl" >/dev/null
L_P=$(median "$OUT/list.json" 0); L_J=$(median "$OUT/list.json" 1); L_C=$(median "$OUT/list.json" 2)
L_PR=$(rss "$BIN" users list --all -o jsonl); L_JR=$(rss bash "$OUT/curl-jq-loop.sh")
L_CR=$(rss curl -s --parallel --parallel-max 8 -H "Authorization: Bearer $PBXCTL_TOKEN" -K "$OUT/pages.curl")
COUNT=$("$BIN" users list --all -o jsonl | wc -l)

echo "== 3. export 100,000 CDRs to JSON Lines"
hyperfine --warmup 1 --runs 5 --export-json "$OUT/cdrs.json" "$BIN cdrs list --all -o jsonl > /dev/null" >/dev/null
C_P=$(median "$OUT/cdrs.json" 0)
C_PR=$(rss "$BIN" cdrs list --all -o jsonl)
CDRS=$("$BIN" cdrs list --all -o jsonl | wc -l)

echo "== 4. import 1,000 users"
hyperfine --runs 3 --export-json "$OUT/import.json" \
  --prepare "bash $OUT/make-import.sh $OUT/import.csv" \
  -n "pbxctl --concurrency 8" "$BIN users import $OUT/import.csv --concurrency 8" \
  -n "sequential curl loop" "bash $OUT/curl-import-loop.sh $OUT/import.csv" >/dev/null
I_P=$(median "$OUT/import.json" 0); I_C=$(median "$OUT/import.json" 1)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
  echo "| measurement | pbxctl | comparison | ratio | target |"
  echo "|---|---|---|---|---|"
  echo "| 1. cold start (\`--version\`), median | $S_P ms, $S_PR MiB | curl: $S_C ms, $S_CR MiB | pbxctl/curl $(ratio "$S_P" "$S_C")× | under 2× |"
  echo "| 2. list $COUNT users to JSONL, median | $L_P ms, $L_PR MiB | curl+jq loop: $L_J ms, $L_JR MiB | curl+jq/pbxctl $(ratio "$L_J" "$L_P")× | at least 5× |"
  echo "| 2. (floor) | | curl --parallel: $L_C ms, $L_CR MiB | pbxctl/floor $(ratio "$L_P" "$L_C")× | within 2× |"
  echo "| 3. export $CDRS CDRs to JSONL | $C_P ms, peak $C_PR MiB | | | peak RSS under 64 MiB |"
  echo "| 4. import 1,000 users, median | $I_P ms (--concurrency 8) | sequential curl loop: $I_C ms | loop/pbxctl $(ratio "$I_C" "$I_P")× | at least 5× |"
} | tee "$OUT/RESULTS.md"
