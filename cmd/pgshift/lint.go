package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/planner/lint"
	"github.com/pgshift/pgshift/schema"
)

// exitLintFindings is the exit status of lint when a finding is at or
// above --fail-on.
const exitLintFindings = 3

func newLintCmd(e env) *cobra.Command {
	var failOn, format, pgVersion string
	var excludeRules []string
	var explain string
	var listRules bool
	cmd := &cobra.Command{
		Use:   "lint FILE|DIR|dir://DIR...",
		Short: "Report the hazards of hand-written migration SQL",
		Long: `lint parses each migration file with the PostgreSQL parser and reports, per
statement, the hazards the planner knows: locks that block reads or writes,
table rewrites and scans, data loss, changes that break running code,
statements that cannot run in a transaction. Files are read in the order
given, as a migration runner would apply them: a CHECK validated in an earlier
file proves a later SET NOT NULL, column types declared earlier are known.
Tables and indexes created in the same file are exempt from the rules about
existing data.

An argument is a file, a directory or dir://DIR. A directory of migration
files (golang-migrate, goose, dbmate, Flyway: detected) and dir://DIR are
read the way their runner runs them: the up parts only, in version order,
each with the runner's transaction rules (goose NO TRANSACTION, dbmate
transaction:false, Flyway executeInTransaction=false). Any other directory
gives every *.sql file under it, in name order.

Findings print as "file:line:col: severity: [rule] message (lock: LEVEL on
table; hazards: ...)"; --format json prints {"version": 1, "findings": [...]},
--format github one workflow annotation per finding (file= and line=).
Exit status: 0 when no finding is at or above --fail-on, 3 when one is,
1 on errors (unreadable or unparsable files).`,
		Example: `  pgshift lint db/migrations/*.up.sql
  pgshift lint dir://db/migrations
  pgshift lint --fail-on error --pg-version 12 migration.sql
  pgshift lint --format github --exclude-rule require-lock-timeout db/migrations
  pgshift lint --explain require-concurrent-index`,
		Args: func(cmd *cobra.Command, args []string) error {
			if explain != "" || listRules {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.MinimumNArgs(1)(cmd, args)
		},
		RunE: func(_ *cobra.Command, args []string) error {
			if listRules {
				return printRuleList(e)
			}
			if explain != "" {
				return explainRule(e, explain)
			}
			threshold, err := lint.ParseSeverity(failOn)
			if err != nil {
				return fmt.Errorf("--fail-on: %w", err)
			}
			if format != "text" && format != "json" && format != "github" {
				return fmt.Errorf("--format %q is not supported (supported: text, json, github)", format)
			}
			v, err := parsePGVersion(pgVersion)
			if err != nil {
				return err
			}
			excluded := map[string]bool{}
			for _, r := range excludeRules {
				if _, ok := lint.RuleByID(lint.RuleID(r)); !ok {
					return fmt.Errorf("--exclude-rule %q: no such rule (pgshift lint --list-rules lists them)", r)
				}
				excluded[r] = true
			}
			inputs, err := lintInputs(e, args)
			if err != nil {
				return err
			}
			state := lint.NewLintState()
			findings := []lint.Finding{}
			failed := 0
			for _, in := range inputs {
				src := in.text
				if src == nil {
					if src, err = os.ReadFile(in.file); err != nil {
						fmt.Fprintf(e.stderr, "pgshift: %v\n", err)
						failed++
						continue
					}
				}
				stmts, err := schema.SplitSQL(in.file, src)
				if err != nil {
					fmt.Fprintf(e.stderr, "pgshift: %v\n", err)
					failed++
					continue
				}
				for _, f := range lint.Lint(stmts, lint.LintOptions{File: in.file, PGVersion: v, State: state, Transaction: in.tx, Source: src}) {
					if !excluded[f.Rule] {
						findings = append(findings, f)
					}
				}
			}
			if err := printFindings(e, format, findings, failed); err != nil {
				return err
			}
			if failed > 0 {
				return exitCode(exitError)
			}
			for _, f := range findings {
				if f.Severity.Rank() >= threshold.Rank() {
					return exitCode(exitLintFindings)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&failOn, "fail-on", string(lint.SeverityWarning), "exit 3 when a finding has this severity or higher: info, warning or error")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or github (workflow annotations)")
	cmd.Flags().StringVar(&pgVersion, "pg-version", strconv.Itoa(lint.DefaultLintPGVersion), "major version of the target PostgreSQL server (rewrite and scan facts differ by version)")
	cmd.Flags().StringSliceVar(&excludeRules, "exclude-rule", nil, "do not report this rule (repeatable, or comma-separated)")
	cmd.Flags().StringVar(&explain, "explain", "", "print what `RULE` checks, why, and the safe rewrite")
	cmd.Flags().BoolVar(&listRules, "list-rules", false, "list every rule with its severity")
	return cmd
}

// lintInput is one file to lint: its name in findings, its text when it
// is not the whole file (a runner's up part), and how the runner runs it.
type lintInput struct {
	file string
	text []byte
	tx   lint.TxMode
}

// lintInputs expands lint's arguments into files in apply order: a file as
// it is; dir://DIR, or a directory holding a runner's migrations, as the
// runner's up parts in version order; any other directory as every *.sql
// file under it in name order. A directory that cannot be read is an error.
func lintInputs(e env, args []string) ([]lintInput, error) {
	var out []lintInput
	for _, a := range args {
		dir, isDir := strings.CutPrefix(a, schema.DirPrefix)
		if !isDir {
			fi, err := os.Stat(a)
			if err != nil {
				return nil, err
			}
			isDir = fi.IsDir()
		}
		if !isDir {
			out = append(out, lintInput{file: a})
			continue
		}
		md, err := schema.ReadMigrationDir(dir, "")
		if err != nil {
			return nil, fmt.Errorf("lint %s: %w", a, err)
		}
		if md.Format != "" {
			for _, m := range md.Migrations {
				out = append(out, lintInput{file: m.File, text: []byte(m.Up), tx: runnerTxMode(md.Format, m.Transactional)})
			}
			if !strings.HasPrefix(a, schema.DirPrefix) {
				fmt.Fprintf(e.stderr, "-- lint: %s holds %s migrations: linting their up parts with the runner's transaction rules\n", a, md.Format)
			}
			continue
		}
		if strings.HasPrefix(a, schema.DirPrefix) {
			return nil, fmt.Errorf("lint %s: no golang-migrate, goose, dbmate or Flyway migrations in %s", a, dir)
		}
		var files []string
		err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".sql") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("lint %s: %w", a, err)
		}
		sort.Strings(files)
		for _, f := range files {
			out = append(out, lintInput{file: f})
		}
	}
	return out, nil
}

// runnerTxMode is how a runner runs a migration file: golang-migrate sends
// the file as one query string (its postgres driver, no transaction of its
// own); dbmate wraps it in a transaction unless transaction:false, then
// sends it as one query; goose and Flyway wrap it unless told not to, then
// run it statement by statement in autocommit mode (goose's "NO
// TRANSACTION", Flyway's executeInTransaction=false). See
// ../shared/docs/runner-formats.md.
func runnerTxMode(format string, transactional bool) lint.TxMode {
	switch {
	case format == schema.FormatGolangMigrate:
		return lint.TxAsSent
	case transactional:
		return lint.TxWrapped
	case format == schema.FormatDbmate:
		return lint.TxAsSent
	default:
		return lint.TxNone
	}
}

// parsePGVersion accepts a major version ("15") or a full one ("15.4",
// "9.6"), and returns the major number.
func parsePGVersion(s string) (int, error) {
	major, _, _ := strings.Cut(strings.TrimSpace(s), ".")
	v, err := strconv.Atoi(major)
	if err != nil || v < 9 || v > 99 {
		return 0, fmt.Errorf("--pg-version %q: want a PostgreSQL major version such as 15", s)
	}
	return v, nil
}

// printFindings writes the findings to stdout (and, in text format, a
// count to stderr).
//
// failed is the number of inputs that could not be read or parsed: then
// the count says so instead of "no findings".
func printFindings(e env, format string, findings []lint.Finding, failed int) error {
	switch format {
	case "github":
		for _, f := range findings {
			if _, err := fmt.Fprintln(e.stdout, githubAnnotation(f)); err != nil {
				return fmt.Errorf("write output: %w", err)
			}
		}
		return nil
	case "json":
		b, err := json.MarshalIndent(lintReport{Version: lintReportVersion, Findings: findings}, "", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(e.stdout, "%s\n", b); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	}
	count := map[lint.Severity]int{}
	for _, f := range findings {
		count[f.Severity]++
		if _, err := fmt.Fprintln(e.stdout, f.String()); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	switch {
	case failed > 0:
		fmt.Fprintf(e.stderr, "-- lint: %d findings; %d of the files could not be linted (see above)\n", len(findings), failed)
	case len(findings) == 0:
		fmt.Fprintln(e.stderr, "-- lint: no findings")
	default:
		fmt.Fprintf(e.stderr, "-- lint: %d findings (%d error, %d warning, %d info)\n", len(findings),
			count[lint.SeverityError], count[lint.SeverityWarning], count[lint.SeverityInfo])
	}
	return nil
}

// lintReportVersion is the version of lint's JSON report.
const lintReportVersion = 1

// lintReport is lint's --format json output.
type lintReport struct {
	Version  int            `json:"version"`
	Findings []lint.Finding `json:"findings"`
}

// githubAnnotation renders f as a GitHub Actions workflow command
// (::error / ::warning / ::notice file=...,line=...,col=...,title=...::msg),
// escaped as the runner's toolkit escapes them: %, CR and LF in the
// message; also : and , in the properties.
func githubAnnotation(f lint.Finding) string {
	level := "warning"
	switch f.Severity {
	case lint.SeverityError:
		level = "error"
	case lint.SeverityInfo:
		level = "notice"
	}
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	data := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	msg := f.Message
	if f.Lock != "" || len(f.Hazards) > 0 {
		// The text form's "(lock: ...; hazards: ...)" tail.
		if _, tail, ok := strings.Cut(f.String(), f.Message); ok {
			msg += tail
		}
	}
	return fmt.Sprintf("::%s file=%s,line=%d,col=%d,title=%s::%s", level,
		prop.Replace(f.File), f.Line, f.Col, prop.Replace("pgshift "+f.Rule), data.Replace(msg))
}

// explainRule prints the rule's page: what it checks and why, the safe
// rewrite, its hazards, and how to silence one finding.
func explainRule(e env, id string) error {
	r, ok := lint.RuleByID(lint.RuleID(id))
	if !ok {
		return fmt.Errorf("--explain %q: no such rule (pgshift lint --list-rules lists them)", id)
	}
	var hs []string
	for _, h := range r.Hazards {
		hs = append(hs, string(h))
	}
	hazards := "none"
	if len(hs) > 0 {
		hazards = strings.Join(hs, ", ")
	}
	_, err := fmt.Fprintf(e.stdout, "%s (%s)\n\nWhat and why: %s.\n\nSafe rewrite: %s.\n\nHazards: %s.\n\nTo keep a statement on purpose, put -- pgshift:nolint %s on the line before it.\n",
		r.ID, r.Severity, r.Doc, r.Fix, hazards, r.ID)
	return err
}

// printRuleList prints every registered rule: id, usual severity, what it checks.
func printRuleList(e env) error {
	for _, r := range lint.Rules {
		if _, err := fmt.Fprintf(e.stdout, "%-36s %-8s %s\n", r.ID, r.Severity, r.Doc); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	return nil
}
