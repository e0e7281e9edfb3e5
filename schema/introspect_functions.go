package schema

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// aggRow is the pg_aggregate data of an aggregate.
type aggRow struct {
	kind                            string
	transfn, finalfn, combinefn     string
	serialfn, deserialfn            string
	mtransfn, minvtransfn, mfinalfn string
	finalextra, mfinalextra         bool
	finalmodify, mfinalmodify       string
	sortopSchema, sortop            string
	transtype, mtranstype           string
	transspace, mtransspace         int32
	initval, minitval               *string
	parallel                        string
}

func (in *introspector) readFunctions(ctx context.Context) error {
	modify := "'', ''"
	if in.ver >= 110000 {
		modify = "coalesce(a.aggfinalmodify::text, ''), coalesce(a.aggmfinalmodify::text, '')"
	}
	regproc := func(col string) string {
		return "coalesce(nullif(a." + col + "::oid, 0)::regproc::text, '')"
	}
	return in.query(ctx, `
SELECT p.oid, n.nspname, p.proname, p.prokind::text, pg_get_function_identity_arguments(p.oid),
       coalesce(pg_get_function_result(p.oid), ''),
       (CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) ELSE '' END),
       pg_get_userbyid(p.proowner), coalesce(d.description, ''), `+aclSQL("p.proacl", "f", "p.proowner")+`,
       p.proparallel::text,
       coalesce(a.aggkind::text, ''), `+regproc("aggtransfn")+`, `+regproc("aggfinalfn")+`, `+regproc("aggcombinefn")+`,
       `+regproc("aggserialfn")+`, `+regproc("aggdeserialfn")+`, `+regproc("aggmtransfn")+`, `+regproc("aggminvtransfn")+`,
       `+regproc("aggmfinalfn")+`, coalesce(a.aggfinalextra, false), coalesce(a.aggmfinalextra, false), `+modify+`,
       coalesce(opn.nspname, ''), coalesce(op.oprname::text, ''),
       coalesce(format_type(nullif(a.aggtranstype, 0), NULL), ''), coalesce(format_type(nullif(a.aggmtranstype, 0), NULL), ''),
       coalesce(a.aggtransspace, 0), coalesce(a.aggmtransspace, 0), a.agginitval, a.aggminitval
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
LEFT JOIN pg_operator op ON op.oid = a.aggsortop
LEFT JOIN pg_namespace opn ON opn.oid = op.oprnamespace`+commentJoin("d", "pg_proc", "p.oid", "0")+`
WHERE `+userNamespace+`
  -- functions PostgreSQL creates with a type (multirange constructors) belong to the type
  AND NOT EXISTS (SELECT 1 FROM pg_depend id WHERE id.classid = 'pg_proc'::regclass AND id.objid = p.oid
                  AND id.refclassid = 'pg_type'::regclass AND id.deptype = 'i')`,
		func(r pgx.Rows) error {
			var (
				oid  uint32
				kind string
				ag   aggRow
			)
			f := &Function{}
			if err := r.Scan(&oid, &f.Schema, &f.Name, &kind, &f.IdentityArgs, &f.Result, &f.Definition, &f.Owner, &f.Comment, &f.ACL,
				&ag.parallel, &ag.kind, &ag.transfn, &ag.finalfn, &ag.combinefn, &ag.serialfn, &ag.deserialfn, &ag.mtransfn,
				&ag.minvtransfn, &ag.mfinalfn, &ag.finalextra, &ag.mfinalextra, &ag.finalmodify, &ag.mfinalmodify,
				&ag.sortopSchema, &ag.sortop, &ag.transtype, &ag.mtranstype, &ag.transspace, &ag.mtransspace,
				&ag.initval, &ag.minitval); err != nil {
				return err
			}
			if in.isExtMember(classPgProc, oid) {
				return nil
			}
			f.Kind = FunctionKind(kind)
			f.ACL = SortedSet(f.ACL)
			if f.Kind == FunctionAggregate {
				f.Definition = aggregateDef(f, &ag)
			}
			in.s.Functions[f.Key()] = f
			id := ID(KindFunction, f.Key())
			in.procIDs[oid] = id
			in.sinks[objRef{classPgProc, oid}] = &depSink{deps: &f.Deps, self: map[string]bool{id: true}}
			return nil
		})
}

var finalModify = map[string]string{"r": "READ_ONLY", "s": "SHAREABLE", "w": "READ_WRITE"}

// aggregateDef builds a deterministic CREATE AGGREGATE statement from pg_aggregate.
func aggregateDef(f *Function, ag *aggRow) string {
	var opts []string
	add := func(k, v string) {
		if v != "" {
			opts = append(opts, k+" = "+v)
		}
	}
	add("SFUNC", ag.transfn)
	add("STYPE", ag.transtype)
	if ag.transspace != 0 {
		add("SSPACE", strconv.Itoa(int(ag.transspace)))
	}
	add("FINALFUNC", ag.finalfn)
	if ag.finalfn != "" {
		if ag.finalextra {
			opts = append(opts, "FINALFUNC_EXTRA")
		}
		add("FINALFUNC_MODIFY", finalModify[ag.finalmodify])
	}
	add("COMBINEFUNC", ag.combinefn)
	add("SERIALFUNC", ag.serialfn)
	add("DESERIALFUNC", ag.deserialfn)
	if ag.initval != nil {
		add("INITCOND", QuoteLiteral(*ag.initval))
	}
	add("MSFUNC", ag.mtransfn)
	add("MINVFUNC", ag.minvtransfn)
	add("MSTYPE", ag.mtranstype)
	if ag.mtransspace != 0 {
		add("MSSPACE", strconv.Itoa(int(ag.mtransspace)))
	}
	add("MFINALFUNC", ag.mfinalfn)
	if ag.mfinalfn != "" {
		if ag.mfinalextra {
			opts = append(opts, "MFINALFUNC_EXTRA")
		}
		add("MFINALFUNC_MODIFY", finalModify[ag.mfinalmodify])
	}
	if ag.minitval != nil {
		add("MINITCOND", QuoteLiteral(*ag.minitval))
	}
	if ag.sortop != "" {
		if ag.sortopSchema == "pg_catalog" {
			add("SORTOP", ag.sortop)
		} else {
			add("SORTOP", "OPERATOR("+QuoteIdent(ag.sortopSchema)+"."+ag.sortop+")")
		}
	}
	switch ag.parallel {
	case "s":
		add("PARALLEL", "SAFE")
	case "r":
		add("PARALLEL", "RESTRICTED")
	}
	if ag.kind == "h" {
		opts = append(opts, "HYPOTHETICAL")
	}
	args := f.IdentityArgs
	if args == "" {
		args = "*"
	}
	return "CREATE AGGREGATE " + QualName(f.Schema, f.Name) + "(" + args + ") (\n    " + strings.Join(opts, ",\n    ") + "\n);\n"
}

// readUnmanaged lists user objects of kinds the model does not cover.
func (in *introspector) readUnmanaged(ctx context.Context) error {
	q := func(s string) string { return "quote_ident(" + s + ")" }
	qual := func(nsp, name string) string { return q(nsp) + " || '.' || " + q(name) }
	parts := []string{
		`SELECT 'collation', ` + qual("n.nspname", "x.collname") + ` FROM pg_collation x JOIN pg_namespace n ON n.oid = x.collnamespace
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_collation", "x.oid"),
		`SELECT 'conversion', ` + qual("n.nspname", "x.conname") + ` FROM pg_conversion x JOIN pg_namespace n ON n.oid = x.connamespace
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_conversion", "x.oid"),
		`SELECT 'operator', x.oid::regoperator::text FROM pg_operator x JOIN pg_namespace n ON n.oid = x.oprnamespace
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_operator", "x.oid"),
		`SELECT 'operator class', ` + qual("n.nspname", "x.opcname") + ` || ' USING ' || ` + q("am.amname") + ` FROM pg_opclass x
		 JOIN pg_namespace n ON n.oid = x.opcnamespace JOIN pg_am am ON am.oid = x.opcmethod
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_opclass", "x.oid"),
		`SELECT 'operator family', ` + qual("n.nspname", "x.opfname") + ` || ' USING ' || ` + q("am.amname") + ` FROM pg_opfamily x
		 JOIN pg_namespace n ON n.oid = x.opfnamespace JOIN pg_am am ON am.oid = x.opfmethod
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_opfamily", "x.oid"),
		`SELECT 'text search configuration', ` + qual("n.nspname", "x.cfgname") + ` FROM pg_ts_config x JOIN pg_namespace n ON n.oid = x.cfgnamespace
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_ts_config", "x.oid"),
		`SELECT 'text search dictionary', ` + qual("n.nspname", "x.dictname") + ` FROM pg_ts_dict x JOIN pg_namespace n ON n.oid = x.dictnamespace
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_ts_dict", "x.oid"),
		`SELECT 'text search parser', ` + qual("n.nspname", "x.prsname") + ` FROM pg_ts_parser x JOIN pg_namespace n ON n.oid = x.prsnamespace
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_ts_parser", "x.oid"),
		`SELECT 'text search template', ` + qual("n.nspname", "x.tmplname") + ` FROM pg_ts_template x JOIN pg_namespace n ON n.oid = x.tmplnamespace
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_ts_template", "x.oid"),
		`SELECT 'cast', '(' || format_type(x.castsource, NULL) || ' AS ' || format_type(x.casttarget, NULL) || ')' FROM pg_cast x
		 WHERE x.oid >= 16384 AND ` + notExtMember("pg_cast", "x.oid") + `
		   AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_cast'::regclass AND i.objid = x.oid AND i.deptype = 'i')`,
		`SELECT 'rule', ` + q("x.rulename") + ` || ' ON ' || ` + qual("n.nspname", "c.relname") + ` FROM pg_rewrite x
		 JOIN pg_class c ON c.oid = x.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE x.rulename <> '_RETURN' AND ` + userNamespace + ` AND ` + notExtMember("pg_class", "c.oid"),
		`SELECT 'event trigger', ` + q("x.evtname") + ` FROM pg_event_trigger x WHERE ` + notExtMember("pg_event_trigger", "x.oid"),
		`SELECT 'foreign data wrapper', ` + q("x.fdwname") + ` FROM pg_foreign_data_wrapper x WHERE ` + notExtMember("pg_foreign_data_wrapper", "x.oid"),
		`SELECT 'server', ` + q("x.srvname") + ` FROM pg_foreign_server x WHERE ` + notExtMember("pg_foreign_server", "x.oid"),
		`SELECT 'foreign table', ` + qual("n.nspname", "c.relname") + ` FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE c.relkind = 'f' AND ` + userNamespace + ` AND ` + notExtMember("pg_class", "c.oid"),
		`SELECT 'publication', ` + q("x.pubname") + ` FROM pg_publication x`,
		`SELECT 'subscription', ` + q("x.subname") + ` FROM pg_subscription x WHERE x.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
		`SELECT 'statistics', ` + qual("n.nspname", "x.stxname") + ` FROM pg_statistic_ext x JOIN pg_namespace n ON n.oid = x.stxnamespace
		 WHERE ` + userNamespace + ` AND ` + notExtMember("pg_statistic_ext", "x.oid"),
		`SELECT CASE WHEN x.typtype = 'p' THEN 'shell type' ELSE 'base type' END, ` + qual("n.nspname", "x.typname") + ` FROM pg_type x
		 JOIN pg_namespace n ON n.oid = x.typnamespace
		 WHERE x.typtype IN ('b', 'p') AND ` + userNamespace + ` AND ` + notExtMember("pg_type", "x.oid") + `
		   AND NOT (x.typelem <> 0 AND EXISTS (SELECT 1 FROM pg_type et WHERE et.oid = x.typelem AND et.typarray = x.oid))`,
		`SELECT 'default privileges', 'FOR ROLE ' || ` + q("pg_get_userbyid(x.defaclrole)") + ` ||
		        coalesce(' IN SCHEMA ' || ` + q("n.nspname") + `, '') || ' ON ' ||
		        CASE x.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
		             WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' ELSE x.defaclobjtype::text END
		 FROM pg_default_acl x LEFT JOIN pg_namespace n ON n.oid = x.defaclnamespace`,
		`SELECT 'transform', 'FOR ' || format_type(x.trftype, NULL) || ' LANGUAGE ' || ` + q("l.lanname") + ` FROM pg_transform x
		 JOIN pg_language l ON l.oid = x.trflang WHERE ` + notExtMember("pg_transform", "x.oid"),
		`SELECT 'language', ` + q("x.lanname") + ` FROM pg_language x WHERE x.oid >= 16384 AND ` + notExtMember("pg_language", "x.oid"),
		`SELECT 'access method', ` + q("x.amname") + ` FROM pg_am x WHERE x.oid >= 16384 AND ` + notExtMember("pg_am", "x.oid"),
	}
	return in.query(ctx, strings.Join(parts, "\nUNION ALL\n"), func(r pgx.Rows) error {
		var u Unmanaged
		if err := r.Scan(&u.Kind, &u.Name); err != nil {
			return err
		}
		in.s.Unmanaged = append(in.s.Unmanaged, u)
		return nil
	})
}
