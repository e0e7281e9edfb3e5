#!/usr/bin/env bash
# Benchmarks pgshift against pg_dump --schema-only on the same databases and
# prints markdown tables.
#
# usage: bench/run.sh [TARGET...]     TARGET: a number of tables (synthetic
#                                     schema, bench/gen) or a corpus name
#                                     (default: 1000 10000 chado)
# env:   PGHOST PGPORT PGUSER         server (default 127.0.0.1 5432 postgres)
#        REPEAT                       runs of pg_dump and inspect each, median reported (default 3)
#        CORPUS                       corpus directory (default ../shared/corpus next to the repository)
#
# For each target a database is loaded with psql (synthetic: the schema of N
# tables; corpus: schema.old.sql when present, else schema.sql), then:
#   - `pg_dump --schema-only` and `pgshift inspect` run REPEAT times each,
#     alternately, on that database;
#   - `pgshift diff --from <that database> --to <desired file>` runs once with
#     PGSHIFT_TIMINGS=1, which prints per-phase durations: parse of the file,
#     load into a scratch database on the dev server, introspection of both
#     sides, diff and plan (synthetic: the desired file is the "changed"
#     version, bench/gen -changed; corpus: schema.sql).
# Wall times and peak memory (max RSS) come from /usr/bin/time. Databases
# are dropped at the end.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REPEAT=${REPEAT:-3}
CORPUS=${CORPUS:-$repo/../shared/corpus}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(1000 10000 chado)

if [ ! -x /usr/bin/time ]; then
	echo "bench: installing GNU time" >&2
	(apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }) >&2
fi

work=$(mktemp -d /tmp/pgshift-bench.XXXXXX)
dbs=()
cleanup() {
	for db in "${dbs[@]}"; do
		psql -qX -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

echo "bench: building pgshift and the generator" >&2
(cd "$repo" && go build -o "$work/pgshift" ./cmd/pgshift && go build -o "$work/gen" ./bench/cmd/gen)

url() { echo "postgres://$PGUSER@$PGHOST:$PGPORT/$1?sslmode=disable"; }
dev=$(url postgres)

# timed OUT CMD...: runs CMD with stdout to /dev/null, stderr to OUT.err,
# appends "seconds maxrss_kb" to OUT.
timed() {
	local out=$1
	shift
	/usr/bin/time -f "%e %M" -a -o "$out" "$@" >/dev/null 2>"$out.err" || {
		echo "bench: failed: $*" >&2
		cat "$out.err" >&2
		exit 1
	}
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
maxcol() { awk -v c="$1" 'BEGIN{m=0} $c>m{m=$c} END{print m}'; }
timing() { awk -v p="$1" '$1=="--" && $2=="timing:" && $3==p {sub(/s$/, "", $4); print $4}' "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }'; }
mb() { awk -v k="$1" 'BEGIN{printf "%d", k/1024}'; }

rows_inspect=()
rows_diff=()
for t in "${targets[@]}"; do
	db="pgshift_bench_${t}_$$"
	dbs+=("$db")
	psql -qX -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
	if [[ $t =~ ^[0-9]+$ ]]; then
		name="synthetic"
		"$work/gen" -n "$t" -o "$work/$t.sql"
		"$work/gen" -n "$t" -changed -o "$work/$t.changed.sql"
		want="$work/$t.changed.sql"
		echo "bench: $t tables: loading $db with psql" >&2
		psql -qX -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
		psql -qX -d "$db" -v ON_ERROR_STOP=1 -f "$work/$t.sql" >/dev/null
	else
		name="$t"
		[ -f "$CORPUS/$t/schema.sql" ] || { echo "bench: no corpus entry $CORPUS/$t" >&2; exit 2; }
		which=new
		[ -f "$CORPUS/$t/schema.old.sql" ] && which=old
		want="$CORPUS/$t/schema.sql"
		echo "bench: corpus $t: loading $db (schema $which) with load.sh" >&2
		"$CORPUS/load.sh" "$t" "$db" "$which"
	fi
	tables=$(psql -qXtA -d "$db" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r','p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'")
	psql -qX -d "$db" -c "VACUUM ANALYZE" >/dev/null 2>&1 || true
	# Flush what the load wrote: otherwise the checkpoint that DROP DATABASE
	# forces (pgshift's scratch database) pays for it inside a timed run.
	psql -qX -d "$db" -c "CHECKPOINT" >/dev/null

	echo "bench: $name: pg_dump -s and pgshift inspect, $REPEAT runs each" >&2
	for i in $(seq "$REPEAT"); do
		timed "$work/dump.$t" pg_dump --schema-only -d "$db"
		timed "$work/inspect.$t" env PGSHIFT_TIMINGS=1 "$work/pgshift" inspect --url "$(url "$db")" --dev-url "$dev"
		cat "$work/inspect.$t.err" >>"$work/inspect.$t.log"
	done
	d=$(median <"$work/dump.$t")
	dr=$(maxcol 2 <"$work/dump.$t")
	s=$(median <"$work/inspect.$t")
	sr=$(maxcol 2 <"$work/inspect.$t")
	si=$(timing source.introspect "$work/inspect.$t.log" | median)
	rows_inspect+=("| $name | $tables | ${d}s | ${s}s | $(ratio "$s" "$d") | ${si}s | $(ratio "$si" "$d") | $(mb "$dr") MB | $(mb "$sr") MB |")

	echo "bench: $name: pgshift diff (live database -> $(basename "$want"))" >&2
	timed "$work/diff.$t" env PGSHIFT_TIMINGS=1 "$work/pgshift" diff --mode direct --allow-drop \
		--from "$(url "$db")" --to "$want" --dev-url "$dev"
	e="$work/diff.$t.err"
	read -r total rss <"$work/diff.$t"
	rows_diff+=("| $name | $tables | $(timing changes "$e") | $(timing to.parse "$e")s | $(timing to.load "$e")s | $(timing from.introspect "$e")s | $(timing to.introspect "$e")s | $(timing diff "$e")s | $(timing plan "$e")s | ${total}s | $(ratio "$total" "$d") | $(mb "$rss") MB |")
done

cat <<EOF

### inspect vs pg_dump --schema-only (median of $REPEAT runs, same database)

| schema | tables | pg_dump -s | pgshift inspect | ratio | introspection only | ratio | pg_dump max RSS | inspect max RSS |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
printf '%s\n' "${rows_inspect[@]}"
cat <<EOF

### diff: live database -> desired schema file

| schema | tables | changes | parse file | load into dev DB | introspect live DB | introspect dev DB | diff | plan (incl. diff) | total | total / pg_dump -s | max RSS |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
printf '%s\n' "${rows_diff[@]}"
echo
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%d GB", $2/1048576}' /proc/meminfo), $(psql -qXtA -d postgres -c 'SHOW server_version'), $(go version | awk '{print $3}')"
