#!/usr/bin/env bash
# Times pgshift against the PostgreSQL tools on corpus schemas, in one run,
# and prints a markdown table of medians and ratios.
#
# usage: bench/compare.sh [NAME...]   NAME: corpus entries (default: all in $CORPUS)
# env:   PGHOST PGPORT PGUSER         server (default 127.0.0.1 5432 postgres); it is also the dev server
#        REPEAT                       runs of each command, the median is reported (default 3)
#        CORPUS                       corpus directory (default ../shared/corpus next to the repository)
#
# Per schema, each REPEAT times, interleaved:
#   - inspect: `pg_dump -s` and `pgshift inspect --url` of a database loaded
#     with schema.sql;
#   - file -> DB: `pgshift diff --from <database loaded with schema.old.sql,
#     else an empty one> --to schema.sql` (scratch database created, loaded,
#     introspected and dropped; planned; printed) against loading schema.sql
#     with `psql -f` into a freshly created database with
#     synchronous_commit=off (the corpus's load.sh: DROP IF EXISTS, CREATE
#     DATABASE, psql -f; the final DROP of that database is not timed).
# Ratios are pgshift / tool: below 1 pgshift is faster.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REPEAT=${REPEAT:-3}
CORPUS=${CORPUS:-$repo/../shared/corpus}
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for d in "$CORPUS"/*/; do [ -f "$d/schema.sql" ] && names+=("$(basename "$d")"); done
fi

work=$(mktemp -d /tmp/pgshift-compare.XXXXXX)
tag=cmp$$
dbs=()
cleanup() {
	for db in "${dbs[@]}"; do
		psql -qX -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

echo "compare: building pgshift" >&2
(cd "$repo" && go build -o "$work/pgshift" ./cmd/pgshift)

url() { echo "postgres://$PGUSER@$PGHOST:$PGPORT/$1?sslmode=disable"; }

# secs CMD...: runs CMD (output discarded) and prints its wall time in seconds.
secs() {
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null 2>"$work/last.err" || { echo "compare: failed: $*" >&2; cat "$work/last.err" >&2; exit 1; }
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }'
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "| schema | \`pg_dump -s\` | \`pgshift inspect\` | ratio | \`psql -f\` into a fresh DB | file → DB \`pgshift diff\` | ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for n in "${names[@]}"; do
	new=${tag}_${n}_new old=${tag}_${n}_old fresh=${tag}_${n}_psql
	dbs+=("$new" "$old" "$fresh")
	echo "compare: $n: loading" >&2
	"$CORPUS/load.sh" "$n" "$new" >/dev/null 2>&1
	if [ -f "$CORPUS/$n/schema.old.sql" ]; then
		"$CORPUS/load.sh" "$n" "$old" old >/dev/null 2>&1
	else
		psql -qX -d postgres -c "CREATE DATABASE \"$old\"" >/dev/null
	fi
	psql -qX -d postgres -c CHECKPOINT >/dev/null
	: >"$work/dump" ; : >"$work/inspect" ; : >"$work/psql" ; : >"$work/diff"
	for _ in $(seq "$REPEAT"); do
		echo "compare: $n: run" >&2
		secs pg_dump -s -d "$new" >>"$work/dump"
		secs "$work/pgshift" inspect --url "$(url "$new")" >>"$work/inspect"
		PGOPTIONS="-c synchronous_commit=off" secs "$CORPUS/load.sh" "$n" "$fresh" >>"$work/psql"
		secs "$work/pgshift" diff --from "$(url "$old")" --to "$CORPUS/$n/schema.sql" --dev-url "$(url postgres)" --allow-drop >>"$work/diff"
	done
	d=$(median <"$work/dump") i=$(median <"$work/inspect") p=$(median <"$work/psql") f=$(median <"$work/diff")
	echo "| $n | $d s | $i s | $(ratio "$i" "$d") | $p s | $f s | $(ratio "$f" "$p") |"
done
