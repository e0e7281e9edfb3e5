#!/usr/bin/env bash
# The pgshift GitHub Action's one step (see action.yml). Inputs arrive as
# INPUT_* variables; GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH,
# GITHUB_REPOSITORY and GITHUB_API_URL are the runner's. Exit status: 0
# when the check passes (diff: also when the plan has changes), else
# pgshift's own (1 error, 2 drift, 3 lint findings at or above fail-on).
set -uo pipefail

fail() { echo "::error title=pgshift action::$*"; exit 1; }
out() { [ -n "${GITHUB_OUTPUT:-}" ] && echo "$1" >>"$GITHUB_OUTPUT"; return 0; }
summary() { [ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat >>"$GITHUB_STEP_SUMMARY"; return 0; }

work=$(mktemp -d "${RUNNER_TEMP:-/tmp}/pgshift-action.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The binary: the pgshift-bin input, pgshift on PATH, else built from this
# action's own source (needs Go and a C compiler: pg_query_go uses cgo).
bin=${INPUT_PGSHIFT_BIN:-}
if [ -z "$bin" ]; then
  if command -v pgshift >/dev/null 2>&1; then
    bin=$(command -v pgshift)
  else
    src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
    echo "building pgshift from $src"
    (cd "$src" && go build -o "$work/pgshift" ./cmd/pgshift) || fail "go build ./cmd/pgshift failed"
    bin=$work/pgshift
  fi
fi

# shellcheck disable=SC2206 # extra args are split on whitespace on purpose
extra=(${INPUT_ARGS:-})
dev=()
[ -n "${INPUT_DEV_URL:-}" ] && dev=(--dev-url "$INPUT_DEV_URL")
body=$work/body.md
: >"$body"
cmd=${INPUT_COMMAND:-}
case $cmd in
drift)
  [ -n "${INPUT_URL:-}" ] || fail "drift needs the url input"
  [ -n "${INPUT_DIR:-}" ] || fail "drift needs the dir input"
  args=(drift --url "$INPUT_URL" --dir "$INPUT_DIR" --format github "${dev[@]}")
  [ -n "${INPUT_SCHEMA:-}" ] && args+=(--to "$INPUT_SCHEMA")
  # drift --format github writes its own summary and outputs; the summary
  # also becomes the comment body.
  GITHUB_STEP_SUMMARY=$body "$bin" "${args[@]}" "${extra[@]}"
  code=$?
  summary <"$body"
  ;;
diff)
  [ -n "${INPUT_FROM:-}" ] && [ -n "${INPUT_TO:-}" ] || fail "diff needs the from and to inputs"
  "$bin" diff --from "$INPUT_FROM" --to "$INPUT_TO" --format markdown --exit-code "${dev[@]}" "${extra[@]}" >"$body"
  code=$?
  case $code in
  0) out changes=false ;;
  2) out changes=true ;;
  esac
  summary <"$body"
  ;;
lint)
  files=()
  if [ -n "${INPUT_FILES:-}" ]; then
    # shellcheck disable=SC2206
    files=(${INPUT_FILES})
  elif [ -n "${INPUT_DIR:-}" ]; then
    files=("$INPUT_DIR") # pgshift reads a migrations directory as its runner does
  fi
  [ ${#files[@]} -gt 0 ] || fail "lint needs the files or dir input"
  # Annotations from pgshift itself (file= and line=), then the same
  # findings as JSON for the step summary.
  "$bin" lint --format github --fail-on "${INPUT_FAIL_ON:-warning}" "${extra[@]}" "${files[@]}"
  code=$?
  "$bin" lint --format json "${extra[@]}" "${files[@]}" >"$work/lint.json" 2>/dev/null
  if [ -s "$work/lint.json" ]; then
    {
      n=$(jq '.findings | length' "$work/lint.json")
      echo "### pgshift lint: $n finding(s) in ${files[*]}"
      if [ "$n" -gt 0 ]; then
        echo
        echo "| file | line | severity | rule | message |"
        echo "|---|---|---|---|---|"
        jq -r '.findings[] | "| `\(.file)` | \(.line) | \(.severity) | `\(.rule)` | \(.message | gsub("\\|"; "\\\\|")) |"' "$work/lint.json"
      fi
    } >"$body"
    summary <"$body"
  fi
  ;;
*)
  fail "command must be drift, diff or lint, not '${cmd}'"
  ;;
esac
out "exit-code=$code"

# One pull-request comment per command, found again by its marker and
# updated in place (GitHub REST: issues/comments).
if [ "${INPUT_COMMENT:-false}" = true ] && [ -s "$body" ]; then
  [ -n "${INPUT_GITHUB_TOKEN:-}" ] || fail "comment: true needs the github-token input"
  [ -n "${GITHUB_API_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] || fail "comment: GITHUB_API_URL and GITHUB_REPOSITORY are not set"
  pr=$(jq -r '.pull_request.number // .issue.number // empty' "${GITHUB_EVENT_PATH:-/dev/null}" 2>/dev/null)
  if [ -z "$pr" ]; then
    echo "::notice title=pgshift action::not a pull-request event; no comment posted"
  else
    marker="<!-- pgshift-action:$cmd -->"
    api=$GITHUB_API_URL/repos/$GITHUB_REPOSITORY
    auth=(-H "Authorization: Bearer $INPUT_GITHUB_TOKEN" -H "Accept: application/vnd.github+json")
    comments=$(curl -fsS "${auth[@]}" "$api/issues/$pr/comments?per_page=100") || fail "listing the comments of #$pr failed"
    id=$(jq -r --arg m "$marker" '[.[] | select(.body | contains($m))][0].id // empty' <<<"$comments")
    payload=$(jq -Rs --arg m "$marker" '{body: ($m + "\n" + .)}' <"$body")
    if [ -n "$id" ]; then
      curl -fsS -X PATCH "${auth[@]}" -d "$payload" "$api/issues/comments/$id" >/dev/null || fail "updating comment $id failed"
    else
      curl -fsS -X POST "${auth[@]}" -d "$payload" "$api/issues/$pr/comments" >/dev/null || fail "posting the comment on #$pr failed"
    fi
  fi
fi

case $cmd:$code in
diff:2) exit 0 ;;
*) exit "$code" ;;
esac
