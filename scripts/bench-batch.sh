#!/usr/bin/env bash
# Whole-process batch benchmarks (BENCHMARKS.md, "The budget"): `samstyr report --format json`
# on 10 000, 100 000 and 1 000 000 generated initiatives, each beside the parse-only baseline of
# the same file (`samstyr report --parse-only`: the same reading, chunking and threads, with each
# line parsed by serde_json into a generic value and nothing else).
#
# For each size it records wall time, user+system CPU and peak resident memory (GNU time -v),
# and, when hyperfine is installed, hyperfine's mean and spread over several runs. Results go to
# stdout as a Markdown table and, raw, to $OUT (default target/bench-batch).
#
#   scripts/bench-batch.sh                 # all three sizes
#   SIZES="10000 100000" scripts/bench-batch.sh
#   RUNS=3 scripts/bench-batch.sh          # hyperfine runs per command (default 5)
#
# Needs: a release build (built here), GNU time at /usr/bin/time; hyperfine is optional
# (`apt-get install -y hyperfine`). Generated files are cached in $OUT and reused.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000 1000000"}
RUNS=${RUNS:-5}
OUT=${OUT:-target/bench-batch}
AS_OF=2026-06-01
BIN=target/release/samstyr
mkdir -p "$OUT"

cargo build --release --quiet
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GB RAM"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $($BIN --version)"
echo

measure() { # name, command...: one run under GNU time; prints "wall user+sys maxrss_kb"
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$OUT/$name.time" "$@" >/dev/null 2>"$OUT/$name.err" || true
	awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$OUT/$name.time"
}

printf '| initiatives | MB | report wall s | report/s | report CPU s | report peak RSS MB | parse-only wall s | parse-only CPU s | parse-only peak RSS MB | ratio wall | ratio CPU |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for n in $SIZES; do
	file="$OUT/gen-$n.jsonl"
	if [ ! -s "$file" ]; then
		$BIN gen --count "$n" --seed 1 --output "$file"
	fi
	mb=$(du -m "$file" | cut -f1)
	# Warm the page cache so both commands read from memory.
	cat "$file" >/dev/null
	read -r rw rc rm < <(measure "report-$n" $BIN report --format json --as-of $AS_OF "$file" --output "$OUT/report-$n.json")
	read -r pw pc pm < <(measure "parse-$n" $BIN report --parse-only "$file")
	rate=$(awk -v n="$n" -v w="$rw" 'BEGIN { printf "%.0f", n / w }')
	ratio=$(awk -v a="$rw" -v b="$pw" 'BEGIN { printf "%.2f", a / b }')
	ratio_cpu=$(awk -v a="$rc" -v b="$pc" 'BEGIN { printf "%.2f", a / b }')
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$mb" "$rw" "$rate" "$rc" \
		"$((rm / 1024))" "$pw" "$pc" "$((pm / 1024))" "$ratio" "$ratio_cpu"
done

if command -v hyperfine >/dev/null; then
	echo
	for n in $SIZES; do
		file="$OUT/gen-$n.jsonl"
		hyperfine --style basic --warmup 1 --runs "$RUNS" --export-markdown "$OUT/hyperfine-$n.md" \
			-n "report json $n" "$BIN report --format json --as-of $AS_OF $file --output $OUT/report-$n.json" \
			-n "parse-only $n" "$BIN report --parse-only $file" >/dev/null
		cat "$OUT/hyperfine-$n.md"
		echo
	done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
