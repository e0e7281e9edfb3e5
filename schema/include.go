package schema

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SchemaFile is one file of a desired schema: its path, text and own
// statements (those of the files it includes are not among them).
type SchemaFile struct {
	Path  string
	Src   []byte
	Stmts []Statement
}

// maxIncludeDepth bounds nested \i / \ir (psql has no bound and would
// recurse until it runs out of file descriptors).
const maxIncludeDepth = 32

// metaCommand is a psql meta-command line of a file.
type metaCommand struct {
	Offset    int
	Line, Col int
	Name      string // without the backslash, e.g. "ir"
	Arg       string // the rest of the line, trimmed
}

// schemaChangingMeta are the psql meta-commands (psql docs, "Meta-Commands")
// that run SQL pgshift cannot see, or depend on state it does not have: a
// schema file that uses them is an error, never loaded without them.
var schemaChangingMeta = map[string]string{
	"c": "connects to another database", "connect": "connects to another database",
	"g": "runs the query buffer", "gx": "runs the query buffer", "gset": "runs the query buffer",
	"gexec": "runs the SQL a query produces", "gdesc": "runs the query buffer",
	"copy": "loads data", "lo_import": "loads data", "lo_unlink": "removes data",
	"!": "runs a shell command", "cd": "changes the directory later \\i commands read from",
	"if": "runs SQL conditionally", "elif": "runs SQL conditionally", "else": "runs SQL conditionally", "endif": "runs SQL conditionally",
	"e": "edits the query buffer", "edit": "edits the query buffer", "ef": "edits a function", "ev": "edits a view",
	"w": "writes the query buffer", "write": "writes the query buffer", "p": "prints the query buffer",
	"bind": "runs the query buffer", "crosstabview": "runs the query buffer", "watch": "runs the query buffer repeatedly",
}

// includeMeta are the psql meta-commands that read another file: \i and
// \include relative to the working directory, \ir and \include_relative
// relative to the directory of the file that holds them.
var includeMeta = map[string]bool{"i": false, "include": false, "ir": true, "include_relative": true}

// parseMeta splits a meta-command line (starting at its backslash).
func parseMeta(line string) (name, arg string) {
	s := strings.TrimPrefix(line, `\`)
	if strings.HasPrefix(s, "!") {
		return "!", strings.TrimSpace(s[1:])
	}
	i := strings.IndexAny(s, " \t\\")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// includeArg returns the file name of an include command's argument: a
// word, or a single-quoted name (” for a quote inside it), as psql reads it.
func includeArg(arg string) (string, error) {
	if arg == "" {
		return "", errors.New("missing file name")
	}
	if strings.HasPrefix(arg, "'") {
		var b strings.Builder
		for i := 1; i < len(arg); i++ {
			if arg[i] == '\'' {
				if i+1 < len(arg) && arg[i+1] == '\'' {
					b.WriteByte('\'')
					i++
					continue
				}
				return b.String(), nil
			}
			b.WriteByte(arg[i])
		}
		return "", errors.New("file name not closed with '")
	}
	name := strings.Fields(arg)[0]
	if strings.HasPrefix(name, ":") || strings.HasPrefix(name, "`") {
		return "", fmt.Errorf("%s: psql variables and backquotes are not expanded", name)
	}
	return name, nil
}

// ReadSchemaFile reads the desired schema at path and the files it
// includes, following \i / \include (relative to the working directory)
// and \ir / \include_relative (relative to the including file's
// directory) the way psql does: the included file's statements run where
// the include stands. When path is a directory, its *.sql files (not in
// subdirectories, not hidden) are read in name order, each as if included
// with \ir. It returns every statement in execution order (each with
// Statement.File set) and the files read. Meta-commands that run SQL
// pgshift cannot see (\gexec, \c, \copy, \if, \!, ...) are an error; others
// (\set, \echo, \restrict, ...) are ignored. Errors are *PosError values in
// the file they occur in.
func ReadSchemaFile(path string) ([]Statement, []SchemaFile, error) {
	r := &includeReader{}
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read schema file: %w", err)
	}
	if !st.IsDir() {
		if err := r.read(path, nil); err != nil {
			return nil, nil, err
		}
		return r.stmts, r.files, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read schema directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && strings.HasSuffix(strings.ToLower(e.Name()), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("schema directory %s: no .sql files", path)
	}
	for _, n := range names {
		if err := r.read(filepath.Join(path, n), nil); err != nil {
			return nil, nil, err
		}
	}
	return r.stmts, r.files, nil
}

// includeReader collects the statements of a schema file and its includes.
type includeReader struct {
	stmts []Statement
	files []SchemaFile
}

// read appends the statements of the file at path; stack holds the
// including files (for cycles and depth).
func (r *includeReader) read(path string, stack []string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read schema file: %w", err)
	}
	stmts, metas, err := splitSQL(path, src, true)
	if err != nil {
		return err
	}
	for i := range stmts {
		stmts[i].File = path
	}
	r.files = append(r.files, SchemaFile{Path: path, Src: src, Stmts: stmts})
	abs, _ := filepath.Abs(path)
	stack = append(stack, abs)
	si := 0
	for _, m := range metas {
		for si < len(stmts) && stmts[si].Offset < m.Offset {
			r.stmts = append(r.stmts, stmts[si])
			si++
		}
		posErr := func(format string, args ...any) error {
			return &PosError{File: path, Line: m.Line, Col: m.Col, Msg: fmt.Sprintf(format, args...)}
		}
		if why, bad := schemaChangingMeta[m.Name]; bad {
			return posErr(`psql meta-command \%s %s: not supported in a schema file (write out the SQL it would run)`, m.Name, why)
		}
		relative, ok := includeMeta[m.Name]
		if !ok {
			continue // \set, \echo, \restrict, ...: no effect on the schema
		}
		name, err := includeArg(m.Arg)
		if err != nil {
			return posErr(`\%s: %v`, m.Name, err)
		}
		target := name
		if relative && !filepath.IsAbs(name) {
			target = filepath.Join(filepath.Dir(path), name)
		}
		tabs, _ := filepath.Abs(target)
		for _, s := range stack {
			if s == tabs {
				return posErr(`\%s %s: include cycle (%s includes itself)`, m.Name, name, target)
			}
		}
		if len(stack) >= maxIncludeDepth {
			return posErr(`\%s %s: includes nested more than %d deep`, m.Name, name, maxIncludeDepth)
		}
		if _, err := os.Stat(target); err != nil {
			return posErr(`\%s %s: %v`, m.Name, name, err)
		}
		if err := r.read(target, stack); err != nil {
			return err
		}
	}
	r.stmts = append(r.stmts, stmts[si:]...)
	return nil
}

// FileOr returns the file the statement comes from: Statement.File, else
// path (the file that was split).
func (s Statement) FileOr(path string) string {
	if s.File != "" {
		return s.File
	}
	return path
}
