#!/usr/bin/env bash
# Check that every testdata/cases/*/*/{from,to}.sql loads into an empty database
# with psql -v ON_ERROR_STOP=1. usage: e2e/checkcases.sh [case-dir-glob]
# env: PGHOST PGPORT PGUSER (default 127.0.0.1 5432 postgres)
set -uo pipefail
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
root=$(cd "$(dirname "$0")/.." && pwd)
db=pgshift_checkcases_$$
fail=0 n=0
for f in "$root"/testdata/cases/${1:-*/*}/{from,to}.sql; do
  [ -f "$f" ] || continue
  n=$((n+1))
  createdb "$db" || exit 2
  if ! out=$(psql -qX -v ON_ERROR_STOP=1 -d "$db" -f "$f" 2>&1 >/dev/null); then
    echo "FAIL ${f#$root/}: $out"; fail=$((fail+1))
  elif [ -n "$out" ]; then
    echo "WARN ${f#$root/}: $out"
  fi
  dropdb --force "$db"
done
echo "checked $n files, $fail failed"
[ $fail -eq 0 ]
