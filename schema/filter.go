package schema

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Filter selects the part of a database a project owns. Apply it to both
// sides of a comparison, so that objects outside it (a job queue's schema, a
// hosting provider's managed schemas, date-named partitions the application
// creates) are neither created, changed nor dropped.
//
// The zero Filter keeps everything.
type Filter struct {
	// Schemas, when not empty, keeps only the schemas whose names match one
	// of these globs (names as stored, unquoted).
	Schemas []string
	// Exclude are object patterns evaluated in order; for each object the
	// last pattern that matches decides (a negated pattern keeps it), the
	// way .gitignore does.
	Exclude []Pattern
}

// Pattern kinds besides the object kinds of ID: a pattern with no kind
// matches tables, views, sequences, types and functions by qualified name.
const (
	// KindAny is the kind of a pattern without a kind qualifier.
	KindAny = ""
)

// patternKinds are the kinds a pattern may name ("kind:pattern").
var patternKinds = map[string]string{
	KindSchema: KindSchema, "schemas": KindSchema,
	KindExtension: KindExtension, "extensions": KindExtension,
	KindType: KindType, "types": KindType,
	KindSequence: KindSequence, "sequences": KindSequence,
	KindTable: KindTable, "tables": KindTable,
	KindView: KindView, "views": KindView,
	KindFunction: KindFunction, "functions": KindFunction,
}

// Pattern is one exclusion pattern: a glob (path.Match syntax: *, ?, [...])
// over an object's schema and name.
type Pattern struct {
	// Kind is KindAny or one of KindSchema, KindExtension, KindType,
	// KindSequence, KindTable (partitions included), KindView (materialized
	// views included), KindFunction (procedures and aggregates included).
	Kind string
	// Schema is the glob for the schema part ("" when the pattern has no
	// dot: any schema). For KindSchema and KindExtension it is "".
	Schema string
	// Name is the glob for the object's name (the schema's name for
	// KindSchema, the extension's for KindExtension; a function's name
	// without its arguments).
	Name string
	// Negate keeps what the pattern matches ("!public.tmp_keep").
	Negate bool
	// Source says where the pattern comes from, for messages
	// ("--exclude", ".pgshiftignore:4").
	Source string
}

// String returns the pattern as it would be written in --exclude.
func (p Pattern) String() string {
	s := p.Name
	if p.Schema != "" {
		s = p.Schema + "." + p.Name
	}
	if p.Kind != KindAny {
		s = p.Kind + ":" + s
	}
	if p.Negate {
		s = "!" + s
	}
	return s
}

// ParsePattern parses "[!][kind:][schema.]name" where schema and name are
// globs; kind is one of schema, extension, type, sequence, table, view,
// function (or their plural). Double-quoted parts keep their case; unquoted
// ones are folded to lower case, as PostgreSQL folds identifiers. source is
// used in error messages.
func ParsePattern(s, source string) (Pattern, error) {
	p := Pattern{Source: source}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "!") {
		p.Negate = true
		s = strings.TrimSpace(s[1:])
	}
	if k, rest, ok := strings.Cut(s, ":"); ok && !strings.Contains(k, `"`) {
		kind, known := patternKinds[strings.ToLower(strings.TrimSpace(k))]
		if !known {
			return Pattern{}, fmt.Errorf("%s: pattern %q: unknown kind %q (want schema, extension, type, sequence, table, view or function)", source, s, k)
		}
		p.Kind, s = kind, strings.TrimSpace(rest)
	}
	if s == "" {
		return Pattern{}, fmt.Errorf("%s: empty pattern", source)
	}
	parts := splitQualified(s)
	switch {
	case p.Kind == KindSchema || p.Kind == KindExtension:
		if len(parts) != 1 {
			return Pattern{}, fmt.Errorf("%s: pattern %q: a %s pattern is a name, not schema.name", source, s, p.Kind)
		}
		p.Name = parts[0]
	case len(parts) == 1:
		p.Name = parts[0]
	case len(parts) == 2:
		p.Schema, p.Name = parts[0], parts[1]
	default:
		return Pattern{}, fmt.Errorf("%s: pattern %q: want [schema.]name", source, s)
	}
	for _, g := range []string{p.Schema, p.Name} {
		if _, err := path.Match(g, ""); err != nil {
			return Pattern{}, fmt.Errorf("%s: pattern %q: %w", source, s, err)
		}
	}
	if p.Name == "" || (len(parts) == 2 && p.Schema == "") {
		return Pattern{}, fmt.Errorf("%s: pattern %q: empty name", source, s)
	}
	return p, nil
}

// Empty reports whether f keeps everything.
func (f *Filter) Empty() bool { return f == nil || len(f.Schemas) == 0 && len(f.Exclude) == 0 }

func globMatch(glob, s string) bool {
	ok, _ := path.Match(glob, s) // patterns are checked by ParsePattern
	return ok
}

// matches reports whether p matches an object of kind in schema nsp named name.
func (p Pattern) matches(kind, nsp, name string) bool {
	switch {
	case p.Kind == KindAny:
		if kind == KindSchema || kind == KindExtension {
			return false
		}
	case p.Kind != kind:
		return false
	}
	if p.Schema != "" && !globMatch(p.Schema, nsp) {
		return false
	}
	return globMatch(p.Name, name)
}

// KeepsSchema reports whether f keeps the schema named nsp (unquoted): it
// matches --schema (when given) and no schema pattern excludes it; a
// pattern "nsp.*" without a kind excludes the schema with everything in it.
func (f *Filter) KeepsSchema(nsp string) bool {
	if f.Empty() {
		return true
	}
	if len(f.Schemas) > 0 {
		found := false
		for _, g := range f.Schemas {
			if globMatch(g, nsp) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	excluded := false
	for _, p := range f.Exclude {
		// "river.*" (any kind, every name) means the schema itself too.
		if p.matches(KindSchema, "", nsp) || p.Kind == KindAny && p.Name == "*" && p.Schema != "" && globMatch(p.Schema, nsp) {
			excluded = !p.Negate
		}
	}
	return !excluded
}

// lastMatch evaluates the patterns for one object: true when it is excluded.
func (f *Filter) lastMatch(kind, nsp, name string) bool {
	excluded := false
	for _, p := range f.Exclude {
		if p.matches(kind, nsp, name) {
			excluded = !p.Negate
		}
	}
	return excluded
}

// Keeps reports whether f keeps the object of kind (KindType, KindSequence,
// KindTable, KindView, KindFunction) in schema nsp named name: its schema is
// kept and no pattern excludes it.
func (f *Filter) Keeps(kind, nsp, name string) bool {
	if f.Empty() {
		return true
	}
	return f.KeepsSchema(nsp) && !f.lastMatch(kind, nsp, name)
}

// keepsExtension: an extension goes with its schema (objects of pg_catalog,
// such as plpgsql, are never out of scope) unless a pattern names it.
func (f *Filter) keepsExtension(e *Extension) bool {
	if e.Schema != "pg_catalog" && !f.KeepsSchema(e.Schema) {
		return false
	}
	return !f.lastMatch(KindExtension, "", e.Name)
}

// Apply removes from s every object f does not keep: schemas, extensions,
// types, sequences, tables (with their columns, constraints, indexes,
// triggers and policies), views and functions, and unmanaged objects of
// excluded schemas. Partitions of an excluded table and sequences owned by
// its columns go with it. It returns notes on dependencies that cross the
// boundary (a kept object that uses an excluded one, an excluded one that
// uses a kept one): pgshift neither creates nor changes the excluded side,
// and a change to the kept side may fail on it or carry it along. Notes
// are sorted and unique.
func (f *Filter) Apply(s *Schema) []string {
	if f.Empty() || s == nil {
		return nil
	}
	removed := map[string]bool{} // IDs of removed objects
	type dropped struct {
		id, parent string // parent: the partition parent's key
		deps       []string
	}
	var gone []dropped
	drop := func(id string, deps ...[]string) {
		removed[id] = true
		var all []string
		for _, d := range deps {
			all = append(all, d...)
		}
		gone = append(gone, dropped{id: id, deps: all})
	}
	for k, n := range s.Namespaces {
		if !f.KeepsSchema(n.Name) {
			drop(ID(KindSchema, k))
			delete(s.Namespaces, k)
		}
	}
	for k, e := range s.Extensions {
		if !f.keepsExtension(e) {
			drop(ID(KindExtension, k))
			delete(s.Extensions, k)
		}
	}
	for k, t := range s.Types {
		if !f.Keeps(KindType, t.Schema, t.Name) {
			drop(ID(KindType, k), t.Deps)
			delete(s.Types, k)
		}
	}
	for k, fn := range s.Functions {
		if !f.Keeps(KindFunction, fn.Schema, fn.Name) {
			drop(ID(KindFunction, k), fn.Deps)
			delete(s.Functions, k)
		}
	}
	for k, v := range s.Views {
		if !f.Keeps(KindView, v.Schema, v.Name) {
			drop(ID(KindView, k), v.Deps)
			delete(s.Views, k)
		}
	}
	dropTable := func(k string, t *Table) {
		deps := [][]string{t.Deps}
		for _, c := range t.Columns {
			deps = append(deps, c.Deps)
		}
		for _, c := range t.Constraints {
			deps = append(deps, c.Deps)
			if c.ReferencedTable != "" {
				deps = append(deps, []string{ID(KindTable, c.ReferencedTable)})
			}
			if c.Index != "" {
				removed[ID(KindIndex, c.Index)] = true
			}
		}
		for _, ix := range t.Indexes {
			removed[ID(KindIndex, ix.Key())] = true
			deps = append(deps, ix.Deps)
		}
		for _, tr := range t.Triggers {
			deps = append(deps, tr.Deps)
		}
		for _, p := range t.Policies {
			deps = append(deps, p.Deps)
		}
		if t.PartitionOf != "" {
			deps = append(deps, []string{ID(KindTable, t.PartitionOf)})
		}
		drop(ID(KindTable, k), deps...)
		gone[len(gone)-1].parent = t.PartitionOf
		delete(s.Tables, k)
	}
	for k, t := range s.Tables {
		if !f.Keeps(KindTable, t.Schema, t.Name) {
			dropTable(k, t)
		}
	}
	// Partitions of removed tables go with them (several levels).
	for changed := true; changed; {
		changed = false
		for k, t := range s.Tables {
			if t.PartitionOf != "" && removed[ID(KindTable, t.PartitionOf)] {
				dropTable(k, t)
				changed = true
			}
		}
	}
	for k, sq := range s.Sequences {
		owner := ""
		if sq.OwnedBy != "" {
			if p, _, ok := SplitSubKey(sq.OwnedBy); ok {
				owner = p
			}
		}
		if !f.Keeps(KindSequence, sq.Schema, sq.Name) || owner != "" && removed[ID(KindTable, owner)] {
			drop(ID(KindSequence, k), sq.Deps)
			delete(s.Sequences, k)
		}
	}
	var um []Unmanaged
	for _, u := range s.Unmanaged {
		if parts := splitQualified(u.Name); len(parts) >= 2 && !f.KeepsSchema(parts[0]) {
			continue
		}
		um = append(um, u)
	}
	s.Unmanaged = um

	// Dependencies that cross the boundary.
	isRemoved := func(dep string) bool {
		if removed[dep] {
			return true
		}
		kind, key := SplitID(dep)
		switch kind {
		case KindColumn, KindConstraint, KindTrigger, KindPolicy:
			if p, _, ok := SplitSubKey(key); ok {
				return removed[ID(KindTable, p)] || removed[ID(KindView, p)]
			}
		}
		return false
	}
	seen := map[string]bool{}
	var notes []string
	note := func(n string) {
		if !seen[n] {
			seen[n] = true
			notes = append(notes, n)
		}
	}
	uses := func(user string, deps []string) {
		for _, d := range deps {
			if isRemoved(d) {
				note(fmt.Sprintf("filter: %s uses %s, which is out of scope: pgshift neither creates nor changes it", user, d))
			}
		}
	}
	for k, t := range s.Types {
		uses(ID(KindType, k), t.Deps)
	}
	for k, sq := range s.Sequences {
		uses(ID(KindSequence, k), sq.Deps)
	}
	for k, fn := range s.Functions {
		uses(ID(KindFunction, k), fn.Deps)
	}
	for k, v := range s.Views {
		uses(ID(KindView, k), v.Deps)
		for _, ix := range v.Indexes {
			uses(ID(KindIndex, ix.Key()), ix.Deps)
		}
	}
	for k, t := range s.Tables {
		tid := ID(KindTable, k)
		uses(tid, t.Deps)
		for _, c := range t.Columns {
			uses(SubID(KindColumn, k, c.Name), c.Deps)
		}
		for _, c := range t.Constraints {
			cid := SubID(KindConstraint, k, c.Name)
			uses(cid, c.Deps)
			if c.ReferencedTable != "" {
				uses(cid, []string{ID(KindTable, c.ReferencedTable)})
			}
		}
		for _, ix := range t.Indexes {
			uses(ID(KindIndex, ix.Key()), ix.Deps)
		}
		for _, tr := range t.Triggers {
			uses(SubID(KindTrigger, k, tr.Name), tr.Deps)
		}
		for _, p := range t.Policies {
			uses(SubID(KindPolicy, k, p.Name), p.Deps)
		}
		for _, parent := range t.Inherits {
			uses(tid, []string{ID(KindTable, parent)})
		}
		if t.PartitionOf != "" {
			uses(tid, []string{ID(KindTable, t.PartitionOf)})
		}
	}
	// Excluded objects that use kept ones. Partitions of a kept table are
	// grouped per parent.
	partitions := map[string][]string{}
	for _, g := range gone {
		for _, d := range g.deps {
			if isRemoved(d) || !s.has(d) {
				continue
			}
			// Being in a schema, and using what every database has
			// (plpgsql), is not a dependency worth a note.
			if kind, key := SplitID(d); kind == KindSchema || kind == KindExtension && s.Extensions[key].Schema == "pg_catalog" {
				continue
			}
			if g.parent != "" && d == ID(KindTable, g.parent) {
				_, key := SplitID(g.id)
				if ps := partitions[d]; len(ps) == 0 || ps[len(ps)-1] != key {
					partitions[d] = append(ps, key)
				}
				continue
			}
			note(fmt.Sprintf("filter: %s is out of scope but uses %s: a change to %s that needs it dropped or rewritten will fail or carry it along", g.id, d, d))
		}
	}
	for parent, ps := range partitions {
		sort.Strings(ps)
		list := strings.Join(ps, ", ")
		if len(ps) > 5 {
			list = strings.Join(ps[:5], ", ") + fmt.Sprintf(", ... (%d in all)", len(ps))
		}
		note(fmt.Sprintf("filter: partitions of %s out of scope: %s; changes to %s apply to them too", parent, list, parent))
	}
	sort.Strings(notes)
	return notes
}

// has reports whether the object of ID id (or the table or view of a
// column, constraint, trigger or policy ID) is in s.
func (s *Schema) has(id string) bool {
	kind, key := SplitID(id)
	switch kind {
	case KindSchema:
		return s.Namespaces[key] != nil
	case KindExtension:
		return s.Extensions[key] != nil
	case KindType:
		return s.Types[key] != nil
	case KindSequence:
		return s.Sequences[key] != nil
	case KindTable:
		return s.Tables[key] != nil
	case KindView:
		return s.Views[key] != nil
	case KindFunction:
		return s.Functions[key] != nil
	case KindColumn, KindConstraint, KindTrigger, KindPolicy:
		if p, _, ok := SplitSubKey(key); ok {
			return s.Tables[p] != nil || s.Views[p] != nil
		}
	case KindIndex:
		for _, t := range s.Tables {
			for _, ix := range t.Indexes {
				if ix.Key() == key {
					return true
				}
			}
		}
	}
	return false
}

// IgnoreFile is the name of the ignore file pgshift reads from the working
// directory and from the directory of the desired schema file.
const IgnoreFile = ".pgshiftignore"

// ignoreSections maps the sections of an ignore file to pattern kinds.
var ignoreSections = map[string]string{
	"objects": KindAny, "schemas": KindSchema, "extensions": KindExtension, "types": KindType,
	"sequences": KindSequence, "tables": KindTable, "views": KindView, "functions": KindFunction,
}

// ParseIgnore parses the text of an ignore file (name is used in messages):
// one pattern per line, in sections that give the kind of the patterns
// below them,
//
//	# a comment
//	[schemas]
//	river
//	[tables]
//	public.tmp_*
//	!public.tmp_keep
//
// Sections are [schemas], [extensions], [types], [sequences], [tables],
// [views], [functions] and [objects] (any kind; patterns there, and before
// the first section, are written as for --exclude, kind:pattern allowed).
// A line starting with ! keeps what it matches; the last matching line
// wins. Errors are "name:line:col: message".
func ParseIgnore(name string, src []byte) ([]Pattern, error) {
	var out []Pattern
	kind := KindAny
	for i, raw := range strings.Split(string(src), "\n") {
		line := strings.TrimRight(raw, "\r")
		text := strings.TrimSpace(line)
		col := strings.Index(line, text) + 1
		pos := fmt.Sprintf("%s:%d:%d", name, i+1, col)
		switch {
		case text == "" || strings.HasPrefix(text, "#"):
			continue
		case strings.HasPrefix(text, "["):
			if !strings.HasSuffix(text, "]") {
				return nil, &PosError{File: name, Line: i + 1, Col: col, Msg: fmt.Sprintf("section header %q: missing ]", text)}
			}
			sec := strings.ToLower(strings.TrimSpace(text[1 : len(text)-1]))
			k, ok := ignoreSections[sec]
			if !ok {
				return nil, &PosError{File: name, Line: i + 1, Col: col, Msg: fmt.Sprintf("unknown section [%s] (want schemas, extensions, types, sequences, tables, views, functions or objects)", sec)}
			}
			kind = k
			continue
		}
		p, err := ParsePattern(text, pos)
		if err != nil {
			return nil, &PosError{File: name, Line: i + 1, Col: col, Msg: strings.TrimPrefix(err.Error(), pos+": "), Err: err}
		}
		if kind != KindAny {
			if p.Kind != KindAny && p.Kind != kind {
				return nil, &PosError{File: name, Line: i + 1, Col: col, Msg: fmt.Sprintf("pattern %q names kind %s inside the [%s] section", text, p.Kind, kindSection(kind))}
			}
			if p.Kind == KindAny && (kind == KindSchema || kind == KindExtension) {
				// Re-parse as a plain name.
				if p, err = ParsePattern(kind+":"+strings.TrimPrefix(text, "!"), pos); err != nil {
					return nil, &PosError{File: name, Line: i + 1, Col: col, Msg: strings.TrimPrefix(err.Error(), pos+": "), Err: err}
				}
				p.Negate = strings.HasPrefix(text, "!")
			}
			p.Kind = kind
		}
		out = append(out, p)
	}
	return out, nil
}

func kindSection(kind string) string {
	for s, k := range ignoreSections {
		if k == kind && s != "objects" {
			return s
		}
	}
	return "objects"
}
