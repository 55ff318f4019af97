#!/usr/bin/env bash
# Runs the whole test suite on a deliberately overloaded machine, to show
# that no test depends on how fast the machine is: `go test -race -count=1
# ./...` three times in a row while 2 x NumCPU busy loops compete for every
# core, then once more with GOMAXPROCS=1. Exits non-zero if any run fails
# and prints a summary with each run's wall time and the load average.
#
# The environment passes through unchanged, so AMKEYS_REQUIRE_XVFB=1 (as
# .ci/run sets it) makes the real clipboard test run here too, not skip.
#
#   scripts/stress-test.sh            # logs go to a temporary directory
#   STRESS_LOG_DIR=/tmp/stress scripts/stress-test.sh
#   STRESS_RUNS=1 scripts/stress-test.sh   # fewer loaded runs (default 3)
set -uo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:/usr/local/go/bin"
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc)
loops=$((2 * cpus))
runs=${STRESS_RUNS:-3}
logdir=${STRESS_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/amkeys-stress.XXXXXX")}
mkdir -p "$logdir"

# The busy loops, the load sampler and the running go test are ours alone:
# remember their ids and end exactly those.
burners=()
sampler=
gotest=
stop_background() {
	if [ -n "$gotest" ]; then
		# go test runs in its own process group (set -m below): end the
		# group, so that the test binaries it started end with it.
		kill -TERM -- "-$gotest" 2>/dev/null
		wait "$gotest" 2>/dev/null
		gotest=
	fi
	if [ -n "$sampler" ]; then
		kill "$sampler" 2>/dev/null
		wait "$sampler" 2>/dev/null
		sampler=
	fi
	for pid in "${burners[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${burners[@]}"; do
		wait "$pid" 2>/dev/null
	done
	burners=()
}
trap stop_background EXIT
trap 'exit 130' INT TERM

start_burners() {
	for _ in $(seq "$loops"); do
		sh -c 'while :; do :; done' &
		burners+=("$!")
	done
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }

# Build the test binaries once before timing, so that the first run is not
# mostly compilation (each run still builds nothing new: -count=1 only
# skips the test cache).
echo "== stress: $cpus CPUs, $loops busy loops, $runs loaded runs + 1 with GOMAXPROCS=1; logs in $logdir"
echo "== warming the build cache (go vet ./... and go test -race -run '^\$' ./...)"
go vet ./... && go test -race -count=1 -run '^$' ./... >/dev/null || {
	echo "stress: the code does not build or vet" >&2
	exit 1
}

start_burners
summary=()
failed=0
run_suite() { # name, then env assignments for go test
	local name=$1
	shift
	local log="$logdir/$name.log" start end rc peak
	echo "== $name: go test -race -count=1 ./...${*:+ with $*} (load before: $(loadavg))"
	start=$(date +%s)
	# Sample the 1-minute load average every 5 s to report its peak.
	(while :; do loadavg | cut -d' ' -f1; sleep 5; done) >"$log.load" &
	sampler=$!
	# In the background, in a process group of its own, so that a signal
	# reaches this script at once (bash runs traps only between commands)
	# and the trap can end the whole run.
	set -m
	env "$@" go test -race -count=1 ./... >"$log" 2>&1 &
	gotest=$!
	set +m
	wait "$gotest"
	rc=$?
	gotest=
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	sampler=
	end=$(date +%s)
	peak=$(sort -g "$log.load" | tail -n 1)
	local verdict=PASS
	if [ "$rc" -ne 0 ]; then
		verdict=FAIL
		failed=1
		echo "-- $name failed; the failures:"
		grep -E '^(--- FAIL|FAIL|panic:)|_test\.go:[0-9]+:' "$log" | head -n 40
	fi
	summary+=("$(printf '%-14s %s  %4ds  load avg now %s, peak 1-min %s' "$name" "$verdict" $((end - start)) "$(loadavg)" "${peak:-?}")")
	echo "-- $name: $verdict in $((end - start))s"
}

for i in $(seq "$runs"); do
	run_suite "loaded-$i"
done
run_suite "gomaxprocs-1" GOMAXPROCS=1
stop_background

echo
echo "== stress summary ($cpus CPUs, $loops busy loops; logs in $logdir)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
	echo "stress: FAILED" >&2
	exit 1
fi
echo "stress: all runs passed"
