package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/source"
)

// scopeFlags are the filters of every command that reads a schema:
// --schema, --exclude-schema, --exclude, plus the .pgshiftignore files.
type scopeFlags struct {
	schemas, excludeSchemas, excludes []string
	noIgnore                          bool
}

// register adds the filter flags. schemaUsage is the help text of --schema
// (drift also accepts a schema file there).
func (s *scopeFlags) register(cmd *cobra.Command, schemaUsage string) {
	fl := cmd.Flags()
	if schemaUsage == "" {
		schemaUsage = "only compare the schema `NAME` (repeatable; a glob)"
	}
	fl.StringArrayVar(&s.schemas, "schema", nil, schemaUsage)
	fl.StringArrayVar(&s.excludeSchemas, "exclude-schema", nil, "leave the schema `NAME` and everything in it out, on both sides (repeatable; a glob)")
	fl.StringArrayVar(&s.excludes, "exclude", nil, "leave objects matching `PATTERN` out, on both sides: [kind:][schema.]name with globs, e.g. 'river.*', 'public.events_2*', 'function:public.tmp_*' (repeatable)")
	fl.BoolVar(&s.noIgnore, "no-ignore-file", false, "do not read "+schema.IgnoreFile+" files")
}

// ignoreFiles lists the ignore files that apply: the one in the working
// directory, then the one next to the desired schema file (or inside the
// desired schema directory) when that is another file.
func ignoreFiles(desired string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(dir string) {
		p := filepath.Join(dir, schema.IgnoreFile)
		abs, err := filepath.Abs(p)
		if err != nil || seen[abs] {
			return
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			seen[abs] = true
			out = append(out, p)
		}
	}
	add(".")
	if desired != "" && !schema.IsURL(desired) && !source.IsGit(desired) && !schema.IsDirSource(desired) {
		if st, err := os.Stat(desired); err == nil && st.IsDir() {
			add(desired)
		} else {
			add(filepath.Dir(desired))
		}
	}
	return out
}

// filter builds the filter of a run: the ignore files (see ignoreFiles),
// then --exclude-schema and --exclude (later patterns win, so a flag can
// re-include with !PATTERN what an ignore file excludes), and --schema.
// desired is the desired schema source ("" when there is none).
func (s *scopeFlags) filter(desired string) (*schema.Filter, error) {
	f := &schema.Filter{}
	if !s.noIgnore {
		for _, p := range ignoreFiles(desired) {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", p, err)
			}
			ps, err := schema.ParseIgnore(p, b)
			if err != nil {
				return nil, err
			}
			f.Exclude = append(f.Exclude, ps...)
		}
	}
	for _, n := range s.excludeSchemas {
		p, err := schema.ParsePattern(schema.KindSchema+":"+n, "--exclude-schema")
		if err != nil {
			return nil, err
		}
		f.Exclude = append(f.Exclude, p)
	}
	for _, x := range s.excludes {
		p, err := schema.ParsePattern(x, "--exclude")
		if err != nil {
			return nil, err
		}
		f.Exclude = append(f.Exclude, p)
	}
	for _, n := range s.schemas {
		if strings.TrimSpace(n) == "" {
			return nil, errors.New("--schema: empty schema name")
		}
		if strings.HasSuffix(strings.ToLower(n), ".sql") {
			return nil, fmt.Errorf("--schema %s: --schema takes a schema name; the desired schema file is --to", n)
		}
		p, err := schema.ParsePattern(schema.KindSchema+":"+n, "--schema")
		if err != nil {
			return nil, err
		}
		f.Schemas = append(f.Schemas, p.Name)
	}
	return f, nil
}

// applyFilter applies f to every model (both sides of a comparison, and
// the empty database a schema is rendered from) and returns the notes on
// dependencies crossing the boundary, once each.
func applyFilter(f *schema.Filter, models ...*schema.Schema) []string {
	seen := map[string]bool{}
	var notes []string
	for _, m := range models {
		for _, n := range f.Apply(m) {
			if !seen[n] {
				seen[n] = true
				notes = append(notes, n)
			}
		}
	}
	return notes
}
