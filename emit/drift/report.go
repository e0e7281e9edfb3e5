package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Write prints rep in format: "text", "json" or "github" (annotations,
// then the text report). For github, a Markdown summary is appended to
// summaryPath ($GITHUB_STEP_SUMMARY) and drift=, changes= (the number of
// problems, Report.Problems) to outputPath ($GITHUB_OUTPUT) when they are
// not "".
func Write(w io.Writer, rep *Report, format, summaryPath, outputPath string) error {
	var err error
	switch format {
	case "json":
		var b []byte
		b, err = json.MarshalIndent(rep, "", "  ")
		if err == nil {
			_, err = w.Write(append(b, '\n'))
		}
	case "github":
		if err = writeAnnotations(w, rep); err == nil {
			err = writeText(w, rep)
		}
		if summaryPath != "" && err == nil {
			err = appendFile(summaryPath, Markdown(rep))
		}
		if outputPath != "" && err == nil {
			err = appendFile(outputPath, fmt.Sprintf("drift=%t\nchanges=%d\n", rep.Drifted(), rep.Problems()))
		}
	case "text":
		err = writeText(w, rep)
	default:
		return fmt.Errorf("--format %q: want text, json or github", format)
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeText(w io.Writer, rep *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "database: %s\n", rep.Database)
	if m := rep.Migrations; m != nil {
		if m.Table == "" {
			fmt.Fprintf(&b, "migrations: no migrations table; %d file(s) in %s\n", len(m.Pending), rep.Dir)
		} else {
			fmt.Fprintf(&b, "migrations: %s table %s, current version %s, %d applied, %d pending\n",
				m.Tool, m.Table, orNone(m.CurrentVersion), len(m.Applied), len(m.Pending))
		}
		if m.Dirty {
			fmt.Fprintf(&b, "DIRTY: migration %s failed or was left dirty; fix it before migrating further\n", orUnknown(m.CurrentVersion))
			if m.DirtyError != "" {
				fmt.Fprintf(&b, "  its file fails on replay: %s\n", m.DirtyError)
			}
		}
		for _, v := range m.UnknownApplied {
			fmt.Fprintf(&b, "applied but no file: version %s\n", v)
		}
		for _, f := range m.OutOfOrder {
			fmt.Fprintf(&b, "OUT OF ORDER: %s is below the current version %s and was never applied\n", f, orNone(m.CurrentVersion))
		}
		for _, f := range m.GoMigrations {
			fmt.Fprintf(&b, "goose Go migration (not replayed): %s\n", f)
		}
		for _, p := range m.Pending {
			fmt.Fprintf(&b, "pending (not drift): %s\n", p)
		}
	}
	if len(rep.Drift) > 0 {
		fmt.Fprintf(&b, "DRIFT: %d change(s) made outside migrations:\n", len(rep.Drift))
		for _, c := range rep.Drift {
			fmt.Fprintf(&b, "  - %s\n", c.Summary)
		}
	}
	for _, ix := range rep.InvalidIndexes {
		fmt.Fprintf(&b, "INVALID index %s on %s (a failed CREATE INDEX CONCURRENTLY?): drop it and build it again\n", ix.Name, ix.Table)
	}
	if len(rep.SchemaChanges) > 0 {
		fmt.Fprintf(&b, "%s: %d change(s) not in any migration yet:\n", rep.Schema, len(rep.SchemaChanges))
		for _, c := range rep.SchemaChanges {
			fmt.Fprintf(&b, "  - %s\n", c.Summary)
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if rep.Diff != "" {
		b.WriteString("\n" + rep.Diff + "\n")
	}
	if rep.Drifted() {
		b.WriteString("status: drift\n")
	} else {
		b.WriteString("status: in sync\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// ghEscape escapes an annotation message; ghProp a property value.
func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// maxListed is how many objects one grouped annotation names.
const maxListed = 10

// grouped groups change summaries by their action ("drop table", "add
// column": the summary without its last word, the object) and returns
// one line per group, e.g. "drop table (3): public.a, public.b, public.c".
func grouped(cs []Change) []string {
	byKind := map[string][]string{}
	var kinds []string
	for _, c := range cs {
		kind, obj := c.Summary, ""
		if i := strings.LastIndexByte(c.Summary, ' '); i > 0 {
			kind, obj = c.Summary[:i], c.Summary[i+1:]
		}
		if _, ok := byKind[kind]; !ok {
			kinds = append(kinds, kind)
		}
		byKind[kind] = append(byKind[kind], obj)
	}
	sort.Strings(kinds)
	var out []string
	for _, k := range kinds {
		objs := byKind[k]
		shown := objs
		more := ""
		if len(shown) > maxListed {
			shown = shown[:maxListed]
			more = fmt.Sprintf(" and %d more", len(objs)-maxListed)
		}
		out = append(out, fmt.Sprintf("%s (%d): %s%s", k, len(objs), strings.Join(shown, ", "), more))
	}
	return out
}

// writeAnnotations prints GitHub workflow commands: one per kind of
// problem (drift grouped by action), so a large drift gives a handful of
// annotations, not one per object.
func writeAnnotations(w io.Writer, rep *Report) error {
	var b strings.Builder
	ann := func(level, file, title, msg string) {
		props := "title=" + ghProp(title)
		if file != "" {
			props = "file=" + ghProp(file) + "," + props
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", level, props, ghEscape(msg))
	}
	if m := rep.Migrations; m != nil {
		if m.Dirty {
			ann("error", "", "Dirty migration", fmt.Sprintf("migration %s in %s failed or was left dirty", m.CurrentVersion, m.Table))
		}
		if len(m.UnknownApplied) > 0 {
			ann("error", "", "Applied migration without a file", "applied but no file in "+rep.Dir+": version "+strings.Join(m.UnknownApplied, ", "))
		}
		for _, f := range m.OutOfOrder {
			ann("error", filepath.Join(rep.Dir, f), "Migration out of order", f+" is below the current version "+m.CurrentVersion+" and was never applied")
		}
		if len(m.Pending) > 0 {
			ann("warning", filepath.Join(rep.Dir, m.Pending[0]), "Pending migrations", fmt.Sprintf("%d migration(s) not applied yet: %s", len(m.Pending), strings.Join(m.Pending, ", ")))
		}
	}
	if len(rep.Drift) > 0 {
		ann("error", "", "Schema drift", fmt.Sprintf("%d change(s) made outside migrations:\n%s", len(rep.Drift), strings.Join(grouped(rep.Drift), "\n")))
	}
	if len(rep.InvalidIndexes) > 0 {
		var ns []string
		for _, ix := range rep.InvalidIndexes {
			ns = append(ns, ix.Name+" on "+ix.Table)
		}
		ann("error", "", "Invalid index", "INVALID (a failed CREATE INDEX CONCURRENTLY?): "+strings.Join(ns, ", "))
	}
	if len(rep.SchemaChanges) > 0 {
		ann("error", rep.Schema, "Not in a migration", fmt.Sprintf("%d change(s) in no migration yet:\n%s", len(rep.SchemaChanges), strings.Join(grouped(rep.SchemaChanges), "\n")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown is the GitHub step summary of rep.
func Markdown(rep *Report) string {
	var b strings.Builder
	if rep.Drifted() {
		b.WriteString("## pgshift drift: :x: drift\n\n")
	} else {
		b.WriteString("## pgshift drift: :white_check_mark: in sync\n\n")
	}
	fmt.Fprintf(&b, "Database `%s`", rep.Database)
	if m := rep.Migrations; m != nil && m.Table != "" {
		fmt.Fprintf(&b, ", %s table `%s` at version `%s`", m.Tool, m.Table, orNone(m.CurrentVersion))
		if m.Dirty {
			b.WriteString(" (**dirty**)")
		}
	}
	b.WriteString(".\n\n")
	if len(rep.Drift) > 0 {
		b.WriteString("### Changed outside migrations\n\n")
		for _, c := range rep.Drift {
			fmt.Fprintf(&b, "- %s\n", c.Summary)
		}
		b.WriteString("\n")
	}
	if len(rep.InvalidIndexes) > 0 {
		b.WriteString("### INVALID indexes\n\n")
		for _, ix := range rep.InvalidIndexes {
			fmt.Fprintf(&b, "- `%s` on `%s`\n", ix.Name, ix.Table)
		}
		b.WriteString("\n")
	}
	if m := rep.Migrations; m != nil && len(m.OutOfOrder) > 0 {
		b.WriteString("### Out of order (never applied)\n\n")
		for _, p := range m.OutOfOrder {
			fmt.Fprintf(&b, "- `%s`\n", p)
		}
		b.WriteString("\n")
	}
	if m := rep.Migrations; m != nil && len(m.Pending) > 0 {
		b.WriteString("### Pending migrations (not drift)\n\n")
		for _, p := range m.Pending {
			fmt.Fprintf(&b, "- `%s`\n", p)
		}
		b.WriteString("\n")
	}
	if len(rep.SchemaChanges) > 0 {
		fmt.Fprintf(&b, "### In `%s` but in no migration\n\n", rep.Schema)
		for _, c := range rep.SchemaChanges {
			fmt.Fprintf(&b, "- %s\n", c.Summary)
		}
		b.WriteString("\n")
	}
	if len(rep.Notes) > 0 {
		b.WriteString("### Notes\n\n")
		for _, n := range rep.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
		b.WriteString("\n")
	}
	if rep.Diff != "" {
		b.WriteString("<details><summary>Schema diff</summary>\n\n```diff\n" + rep.Diff + "```\n\n</details>\n")
	}
	return b.String()
}
