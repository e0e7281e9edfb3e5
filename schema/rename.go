package schema

import (
	"slices"
	"strings"
)

// WithTableRenamed returns a copy of s in which the table with qualified
// key oldKey is called newName (same schema) and each sequence named in
// seqs (qualified old key → new unqualified name, same schema) is renamed:
// the state ALTER TABLE ... RENAME TO and ALTER SEQUENCE ... RENAME TO
// leave. PostgreSQL refers to relations by OID, so what refers to the
// table follows it: its indexes, constraints, triggers, policies, the
// foreign keys of other tables, views, owned sequences and dependencies,
// all of which the catalog renders with the new name afterwards. Those
// texts are rewritten here (qualified references; in view queries also the
// table-name alias pg_get_viewdef writes). Function bodies given as
// strings are not rewritten: PostgreSQL does not rewrite them either. s is
// not modified; s is returned when it has no table oldKey.
func (s *Schema) WithTableRenamed(oldKey, newName string, seqs map[string]string) *Schema {
	old := s.Tables[oldKey]
	if old == nil {
		return s
	}
	newKey := QualName(old.Schema, newName)
	rw := renamer{pairs: [][2]string{{oldKey, newKey}}, bare: [2]string{QuoteIdent(old.Name), QuoteIdent(newName)}}
	seqNew := map[string]string{}
	for ok, name := range seqs {
		if q := s.Sequences[ok]; q != nil {
			nk := QualName(q.Schema, name)
			seqNew[ok] = nk
			rw.pairs = append(rw.pairs, [2]string{ok, nk})
		}
	}
	out := *s
	out.Tables = make(map[string]*Table, len(s.Tables))
	for k, t := range s.Tables {
		c := rw.table(t)
		if k == oldKey {
			c.Name = newName
			k = newKey
		}
		out.Tables[k] = c
	}
	out.Views = make(map[string]*View, len(s.Views))
	for k, v := range s.Views {
		c := *v
		c.Definition = rw.bareText(rw.text(v.Definition))
		c.Deps = rw.deps(v.Deps)
		out.Views[k] = &c
	}
	out.Sequences = make(map[string]*Sequence, len(s.Sequences))
	for k, q := range s.Sequences {
		c := *q
		if nk, ok := seqNew[k]; ok {
			c.Name, k = seqs[q.Key()], nk
		}
		if p, col, ok := SplitSubKey(c.OwnedBy); ok && p == oldKey {
			c.OwnedBy = newKey + "." + QuoteIdent(col)
		}
		c.Deps = rw.deps(q.Deps)
		out.Sequences[k] = &c
	}
	out.Functions = make(map[string]*Function, len(s.Functions))
	for k, f := range s.Functions {
		c := *f
		c.Deps = rw.deps(f.Deps)
		out.Functions[k] = &c
	}
	return &out
}

// renamer rewrites references to renamed relations in catalog texts.
type renamer struct {
	pairs [][2]string // qualified old → new keys
	bare  [2]string   // the table's quoted old and new names
}

func (r renamer) table(t *Table) *Table {
	c := *t
	c.Columns = make([]*Column, len(t.Columns))
	for i, col := range t.Columns {
		x := *col
		x.Default, x.Generated, x.Deps = r.text(col.Default), r.text(col.Generated), r.deps(col.Deps)
		c.Columns[i] = &x
	}
	c.Constraints = make([]*Constraint, len(t.Constraints))
	for i, con := range t.Constraints {
		x := *con
		x.Definition, x.ReferencedTable, x.Deps = r.text(con.Definition), r.key(con.ReferencedTable), r.deps(con.Deps)
		c.Constraints[i] = &x
	}
	c.Indexes = make([]*Index, len(t.Indexes))
	for i, ix := range t.Indexes {
		x := *ix
		x.Table, x.Definition, x.Deps = r.key(ix.Table), r.text(ix.Definition), r.deps(ix.Deps)
		c.Indexes[i] = &x
	}
	c.Triggers = make([]*Trigger, len(t.Triggers))
	for i, tr := range t.Triggers {
		x := *tr
		x.Definition, x.Deps = r.text(tr.Definition), r.deps(tr.Deps)
		c.Triggers[i] = &x
	}
	c.Policies = make([]*Policy, len(t.Policies))
	for i, p := range t.Policies {
		x := *p
		x.Using, x.WithCheck, x.Deps = r.text(p.Using), r.text(p.WithCheck), r.deps(p.Deps)
		c.Policies[i] = &x
	}
	c.PartitionOf = r.key(t.PartitionOf)
	c.Inherits = slices.Clone(t.Inherits)
	for i, p := range c.Inherits {
		c.Inherits[i] = r.key(p)
	}
	c.Deps = r.deps(t.Deps)
	return &c
}

func (r renamer) key(k string) string {
	for _, p := range r.pairs {
		if k == p[0] {
			return p[1]
		}
	}
	return k
}

// deps rewrites object IDs: the relations themselves and the columns,
// constraints, triggers and policies of the table.
func (r renamer) deps(ids []string) []string {
	if len(ids) == 0 {
		return ids
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		kind, k := SplitID(id)
		out[i] = id
		for _, p := range r.pairs {
			switch {
			case k == p[0]:
				out[i] = ID(kind, p[1])
			case strings.HasPrefix(k, p[0]+"."):
				out[i] = ID(kind, p[1]+k[len(p[0]):])
			}
		}
	}
	return out
}

// text replaces each qualified old name that stands as a whole name in s.
func (r renamer) text(s string) string {
	for _, p := range r.pairs {
		s = replaceName(s, p[0], p[1])
	}
	return s
}

// bareText replaces the table's unqualified name where it qualifies a
// column ("old.id"), as pg_get_viewdef writes references to a table
// without an alias.
func (r renamer) bareText(s string) string {
	return replaceName(s, r.bare[0]+".", r.bare[1]+".")
}

// replaceName replaces old by new in s where old is a whole name: not
// preceded by a character of an identifier, a dot or a quote, and (unless
// it ends in a quote or a dot) not followed by one.
func replaceName(s, old, new string) string {
	if old == "" || !strings.Contains(s, old) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		whole := (i == 0 || !nameByte(s[i-1]) && s[i-1] != '.' && s[i-1] != '"') &&
			(strings.HasSuffix(old, `"`) || strings.HasSuffix(old, ".") || end == len(s) || !nameByte(s[end]) && s[end] != '"')
		if whole {
			b.WriteString(s[:i] + new)
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

func nameByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
