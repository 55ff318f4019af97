#!/usr/bin/env bash
# Runs every Go fuzz target of the module, one at a time, for a set time
# each, and prints one summary line per target: executions, new interesting
# inputs, and the result. A failing input is written by Go to the
# package's testdata/fuzz/<target>/ (commit it as a regression seed).
#
# Usage: scripts/fuzz.sh [duration]      e.g. scripts/fuzz.sh 30s (default 60s)
#        FUZZ_LOG_DIR=dir keeps each target's full log there.
# Exit status: 0 when every target passed, 1 otherwise.
set -euo pipefail

fuzztime="${1:-60s}"
cd "$(dirname "$0")/.."
logdir="${FUZZ_LOG_DIR:-$(mktemp -d)}"
mkdir -p "$logdir"

# `go test -list` prints a package's matching names, then its "ok" line.
targets=()
names=()
while IFS= read -r line; do
	case "$line" in
	Fuzz*) names+=("$line") ;;
	ok*)
		pkg=$(awk '{print $2}' <<<"$line")
		for n in "${names[@]}"; do targets+=("$pkg $n"); done
		names=()
		;;
	*) names=() ;;
	esac
done < <(go test -list '^Fuzz' ./... 2>&1)

if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

echo "fuzz.sh: ${#targets[@]} targets, $fuzztime each, logs in $logdir"
printf '%-18s %-44s %8s %12s %16s  %s\n' TARGET PACKAGE TIME EXECS NEW-INTERESTING RESULT
failed=0
for t in "${targets[@]}"; do
	pkg=${t% *}
	name=${t#* }
	log="$logdir/$name.log"
	status=PASS
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$pkg" >"$log" 2>&1; then
		status=FAIL
		# Go 1.26's fuzz coordinator can report its own -fuzztime deadline
		# as a failure (go.dev/issue/75804, fixed in Go 1.27): no input
		# failed then, and none was written.
		if ! grep -q 'Failing input written to' "$log" &&
			[ "$(grep -cvE '^(fuzz: |--- FAIL: |FAIL|exit status|[[:space:]]+context deadline exceeded$)' "$log")" -eq 0 ]; then
			status="PASS (deadline race go.dev/issue/75804, no failing input)"
		fi
	fi
	case "$status" in FAIL*) failed=1 ;; esac
	# The last progress line: "fuzz: elapsed: 60s, execs: 123 (2/sec), new interesting: 4 (total: 90)".
	last=$(grep -E '^fuzz: elapsed: .*execs: ' "$log" | tail -n 1 || true)
	execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
	newi=$(sed -nE 's/.*new interesting: ([0-9]+) \(total: ([0-9]+)\).*/\1 (total \2)/p' <<<"$last")
	elapsed=$(sed -nE 's/^fuzz: elapsed: ([0-9a-z.]+),.*/\1/p' <<<"$last")
	if [ "$status" = FAIL ]; then
		input=$(grep -oE 'testdata/fuzz/[^ ]+' "$log" | head -n 1 || true)
		status="FAIL ${input:-see $log}"
	fi
	printf '%-18s %-44s %8s %12s %16s  %s\n' "$name" "$pkg" "${elapsed:-?}" "${execs:-?}" "${newi:-?}" "$status"
done
exit "$failed"
