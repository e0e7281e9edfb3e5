package offline

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
)

func (b *offline) drop(d *pg_query.DropStmt) {
	for _, o := range d.Objects {
		var parts []string
		if l := o.GetList(); l != nil {
			parts = stringsOf(l.Items)
		} else if s := o.GetString_(); s != nil {
			parts = []string{s.Sval}
		}
		switch d.RemoveType {
		case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW,
			pg_query.ObjectType_OBJECT_SEQUENCE, pg_query.ObjectType_OBJECT_INDEX:
			if len(parts) == 0 {
				continue
			}
			rv := &pg_query.RangeVar{Relname: parts[len(parts)-1]}
			if len(parts) > 1 {
				rv.Schemaname = parts[len(parts)-2]
			}
			sc, ok := b.lookupRel(rv.Schemaname, rv.Relname)
			if !ok {
				continue
			}
			k := schema.QualName(sc, rv.Relname)
			delete(b.s.Tables, k)
			delete(b.s.Views, k)
			delete(b.s.Sequences, k)
			delete(b.rels[sc], rv.Relname)
			if d.RemoveType == pg_query.ObjectType_OBJECT_INDEX {
				if x, t, v := b.findIndex(sc, rv.Relname); x != nil {
					if t != nil {
						t.Indexes = removeIndex(t.Indexes, x)
					} else {
						v.Indexes = removeIndex(v.Indexes, x)
					}
				}
			}
		case pg_query.ObjectType_OBJECT_TYPE, pg_query.ObjectType_OBJECT_DOMAIN:
			if tn := o.GetTypeName(); tn != nil {
				if t := b.findType(tn.Names); t != nil {
					delete(b.s.Types, t.Key())
				}
			}
		case pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_ROUTINE,
			pg_query.ObjectType_OBJECT_AGGREGATE:
			if f := b.findFunctionArgs(o.GetObjectWithArgs()); f != nil {
				delete(b.s.Functions, f.Key())
			}
		case pg_query.ObjectType_OBJECT_SCHEMA:
			if len(parts) == 1 && b.s.Namespaces[schema.QuoteIdent(parts[0])] != nil {
				delete(b.s.Namespaces, schema.QuoteIdent(parts[0]))
			}
		case pg_query.ObjectType_OBJECT_EXTENSION:
			if len(parts) == 1 {
				delete(b.s.Extensions, schema.QuoteIdent(parts[0]))
			}
		case pg_query.ObjectType_OBJECT_TRIGGER, pg_query.ObjectType_OBJECT_POLICY, pg_query.ObjectType_OBJECT_RULE:
			if len(parts) < 2 {
				continue
			}
			rv := &pg_query.RangeVar{Relname: parts[len(parts)-2]}
			if len(parts) > 2 {
				rv.Schemaname = parts[len(parts)-3]
			}
			if t := b.table(rv); t != nil {
				name := parts[len(parts)-1]
				for i, tg := range t.Triggers {
					if tg.Name == name && d.RemoveType == pg_query.ObjectType_OBJECT_TRIGGER {
						t.Triggers = append(t.Triggers[:i], t.Triggers[i+1:]...)
						break
					}
				}
				for i, p := range t.Policies {
					if p.Name == name && d.RemoveType == pg_query.ObjectType_OBJECT_POLICY {
						t.Policies = append(t.Policies[:i], t.Policies[i+1:]...)
						break
					}
				}
			}
		}
	}
}

func removeIndex(xs []*schema.Index, x *schema.Index) []*schema.Index {
	for i, y := range xs {
		if y == x {
			return append(xs[:i], xs[i+1:]...)
		}
	}
	return xs
}
