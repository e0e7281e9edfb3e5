package offline

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
	"google.golang.org/protobuf/proto"
)

func (b *offline) createTrigger(ct *pg_query.CreateTrigStmt) {
	ct = proto.Clone(ct).(*pg_query.CreateTrigStmt)
	t := b.table(ct.Relation)
	var v *schema.View
	var key, sc, rel string
	if t != nil {
		key, sc, rel = t.Key(), t.Schema, t.Name
	} else if v = b.view(ct.Relation); v != nil {
		key, sc, rel = v.Key(), v.Schema, v.Name
	} else {
		b.gap("unresolved-reference")
		return
	}
	tg := &schema.Trigger{Name: ct.Trigname, Enabled: "O"}
	tg.Deps = append(tg.Deps, schema.ID(schema.KindTable, key))
	if v != nil {
		tg.Deps = []string{schema.ID(schema.KindView, key)}
	}
	ct.Relation = &pg_query.RangeVar{Schemaname: sc, Relname: rel, Inh: true, Relpersistence: "p"}
	ct.Replace = false
	fsc, fname := nameList(ct.Funcname)
	if fsc == "pg_catalog" {
		ct.Funcname = strNodes([]string{fname})
	} else {
		var fns []*schema.Function
		if fsc == "" {
			if f := b.findFunction(fname); f != nil {
				fns = b.functionsNamed(f.Schema, fname)
			}
		} else {
			fns = b.functionsNamed(fsc, fname)
		}
		for _, f := range fns {
			if f.IdentityArgs == "" {
				ct.Funcname = strNodes([]string{f.Schema, fname})
				tg.Deps = append(tg.Deps, schema.ID(schema.KindFunction, f.Key()))
			}
		}
		if len(fns) == 0 && fsc == "" {
			b.gap("unresolved-reference")
		}
	}
	for _, c := range ct.Columns {
		if t != nil {
			tg.Deps = append(tg.Deps, b.colID(t, c.GetString_().GetSval()))
		}
	}
	if ct.Constrrel != nil {
		if r := b.table(ct.Constrrel); r != nil {
			ct.Constrrel = &pg_query.RangeVar{Schemaname: r.Schema, Relname: r.Name, Inh: true, Relpersistence: "p"}
			tg.Deps = append(tg.Deps, schema.ID(schema.KindTable, r.Key()))
		}
	}
	b.qualify(ct.WhenClause, t, &tg.Deps)
	if ct.Isconstraint {
		b.gap("constraint-trigger")
	}
	// pg_get_triggerdef prints arguments as string constants.
	for i, a := range ct.Args {
		if s := a.GetString_(); s == nil {
			ct.Args[i] = strNode(defString(&pg_query.DefElem{Arg: a}))
		}
	}
	tg.Definition = canonStatement(deparseWithPrefix("", &pg_query.Node{Node: &pg_query.Node_CreateTrigStmt{CreateTrigStmt: ct}}))
	if t != nil {
		t.Triggers = append(t.Triggers, tg)
	} else {
		v.Triggers = append(v.Triggers, tg)
	}
}
