package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// exitLintFindings is the exit status of lint when a finding is at or
// above --fail-on.
const exitLintFindings = 3

func newLintCmd(e env) *cobra.Command {
	var failOn, format, pgVersion string
	cmd := &cobra.Command{
		Use:   "lint FILE...",
		Short: "Report the hazards of hand-written migration SQL",
		Long: `lint parses each migration file with the PostgreSQL parser and reports, per
statement, the hazards the planner knows: locks that block reads or writes,
table rewrites and scans, data loss, changes that break running code,
statements that cannot run in a transaction. Files are read in the order
given, as a migration runner would apply them: a CHECK validated in an earlier
file proves a later SET NOT NULL, column types declared earlier are known.
Tables and indexes created in the same file are exempt from the rules about
existing data.

Findings print as "file:line:col: severity: [rule] message (lock: LEVEL on
table; hazards: ...)". Exit status: 0 when no finding is at or above
--fail-on, 3 when one is, 1 on errors (unreadable or unparsable files).`,
		Example: `  pgshift lint db/migrations/*.up.sql
  pgshift lint --fail-on error --pg-version 12 migration.sql
  pgshift lint --format json migration.sql`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, files []string) error {
			threshold, err := planner.ParseSeverity(failOn)
			if err != nil {
				return fmt.Errorf("--fail-on: %w", err)
			}
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q is not supported (supported: text, json)", format)
			}
			v, err := parsePGVersion(pgVersion)
			if err != nil {
				return err
			}
			state := planner.NewLintState()
			findings := []planner.Finding{}
			failed := false
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					fmt.Fprintf(e.stderr, "pgshift: %v\n", err)
					failed = true
					continue
				}
				stmts, err := schema.SplitSQL(f, src)
				if err != nil {
					fmt.Fprintf(e.stderr, "pgshift: %v\n", err)
					failed = true
					continue
				}
				findings = append(findings, planner.Lint(stmts, planner.LintOptions{File: f, PGVersion: v, State: state, Source: src})...)
			}
			if err := printFindings(e, format, findings); err != nil {
				return err
			}
			if failed {
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
	cmd.Flags().StringVar(&failOn, "fail-on", string(planner.SeverityWarning), "exit 3 when a finding has this severity or higher: info, warning or error")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&pgVersion, "pg-version", strconv.Itoa(planner.DefaultLintPGVersion), "major version of the target PostgreSQL server (rewrite and scan facts differ by version)")
	return cmd
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
func printFindings(e env, format string, findings []planner.Finding) error {
	if format == "json" {
		b, err := json.MarshalIndent(findings, "", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(e.stdout, "%s\n", b); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	}
	count := map[planner.Severity]int{}
	for _, f := range findings {
		count[f.Severity]++
		if _, err := fmt.Fprintln(e.stdout, f.String()); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	if len(findings) == 0 {
		fmt.Fprintln(e.stderr, "-- lint: no findings")
	} else {
		fmt.Fprintf(e.stderr, "-- lint: %d findings (%d error, %d warning, %d info)\n", len(findings),
			count[planner.SeverityError], count[planner.SeverityWarning], count[planner.SeverityInfo])
	}
	return nil
}
