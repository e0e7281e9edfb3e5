package offline

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
)

func (b *offline) comment(c *pg_query.CommentStmt) {
	text := c.Comment
	obj := c.Object
	listNames := func() []string {
		if l := obj.GetList(); l != nil {
			return stringsOf(l.Items)
		}
		return nil
	}
	rvOf := func(parts []string) *pg_query.RangeVar {
		rv := &pg_query.RangeVar{Relname: parts[len(parts)-1]}
		if len(parts) >= 2 {
			rv.Schemaname = parts[len(parts)-2]
		}
		return rv
	}
	switch c.Objtype {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW,
		pg_query.ObjectType_OBJECT_SEQUENCE, pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
		parts := listNames()
		if len(parts) == 0 {
			return
		}
		rv := rvOf(parts)
		if t := b.table(rv); t != nil {
			t.Comment = text
		} else if v := b.view(rv); v != nil {
			v.Comment = text
		} else {
			sc, _ := b.lookupRel(rv.Schemaname, rv.Relname)
			if sq := b.s.Sequences[schema.QualName(sc, rv.Relname)]; sq != nil {
				sq.Comment = text
			} else if c.Objtype != pg_query.ObjectType_OBJECT_FOREIGN_TABLE {
				b.gap("unresolved-reference")
			}
		}
	case pg_query.ObjectType_OBJECT_INDEX:
		parts := listNames()
		sc := ""
		if len(parts) >= 2 {
			sc = parts[len(parts)-2]
		}
		name := parts[len(parts)-1]
		if x, _, _ := b.findIndex(sc, name); x != nil {
			x.Comment = text
		} else if con, _ := b.findConstraintIndex(sc, name); con != nil {
			con.IndexComment = text
		} else {
			b.gap("unresolved-reference")
		}
	case pg_query.ObjectType_OBJECT_COLUMN:
		parts := listNames()
		if len(parts) < 2 {
			return
		}
		col := parts[len(parts)-1]
		rv := rvOf(parts[:len(parts)-1])
		if t := b.table(rv); t != nil {
			if cc := t.Column(col); cc != nil {
				cc.Comment = text
			}
		} else if v := b.view(rv); v != nil {
			for _, vc := range v.Columns {
				if vc.Name == col {
					vc.Comment = text
				}
			}
		} else if typ := b.findType(strNodes(parts[:len(parts)-1])); typ != nil {
			for _, a := range typ.Attributes {
				if a.Name == col {
					a.Comment = text
				}
			}
		}
	case pg_query.ObjectType_OBJECT_SCHEMA:
		if ns := b.s.Namespaces[schema.QuoteIdent(obj.GetString_().GetSval())]; ns != nil {
			ns.Comment = text
		}
	case pg_query.ObjectType_OBJECT_TYPE, pg_query.ObjectType_OBJECT_DOMAIN:
		if tn := obj.GetTypeName(); tn != nil {
			if t := b.findType(tn.Names); t != nil {
				t.Comment = text
			}
		}
	case pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_AGGREGATE,
		pg_query.ObjectType_OBJECT_ROUTINE:
		if f := b.findFunctionArgs(obj.GetObjectWithArgs()); f != nil {
			f.Comment = text
		} else {
			b.gap("unresolved-reference")
		}
	case pg_query.ObjectType_OBJECT_TRIGGER, pg_query.ObjectType_OBJECT_POLICY, pg_query.ObjectType_OBJECT_TABCONSTRAINT:
		parts := listNames()
		if len(parts) < 2 {
			return
		}
		name := parts[len(parts)-1]
		rv := rvOf(parts[:len(parts)-1])
		t := b.table(rv)
		if t == nil {
			if v := b.view(rv); v != nil && c.Objtype == pg_query.ObjectType_OBJECT_TRIGGER {
				for _, tg := range v.Triggers {
					if tg.Name == name {
						tg.Comment = text
					}
				}
			}
			return
		}
		switch c.Objtype {
		case pg_query.ObjectType_OBJECT_TRIGGER:
			for _, tg := range t.Triggers {
				if tg.Name == name {
					tg.Comment = text
				}
			}
		case pg_query.ObjectType_OBJECT_POLICY:
			for _, p := range t.Policies {
				if p.Name == name {
					p.Comment = text
				}
			}
		default:
			if con := t.Constraint(name); con != nil {
				con.Comment = text
			}
		}
	case pg_query.ObjectType_OBJECT_DOMCONSTRAINT:
		l := obj.GetList()
		if l == nil || len(l.Items) != 2 {
			return
		}
		if t := b.findType(l.Items[0].GetTypeName().GetNames()); t != nil {
			for _, dc := range t.Constraints {
				if dc.Name == l.Items[1].GetString_().GetSval() {
					dc.Comment = text
				}
			}
		}
	case pg_query.ObjectType_OBJECT_EXTENSION:
		if e := b.s.Extensions[schema.QuoteIdent(obj.GetString_().GetSval())]; e != nil {
			e.Comment = text
		}
	default:
		b.gap("unsupported-statement")
	}
}
