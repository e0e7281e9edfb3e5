package planner

import (
	"fmt"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// rendered is one change as SQL.
type rendered struct {
	summary          string
	sql              []string
	rank             int // readability order among steps the graph leaves free
	nonTransactional bool
	irreversible     string
}

// Ranks: drops first (dependents before what they depend on), then creates
// (containers before contents), then comments and privileges.
const (
	rankDropPolicy = 10 + iota
	rankDropTrigger
	rankDropView
	rankDropForeignKey
	rankDropIndex
	rankDropConstraint
	rankDisown
	rankDropColumn
	rankDropTable
	rankDropSequence
	rankDropFunction
	rankDropType
	rankDropExtension
	rankDropSchema
)

const (
	rankCreateSchema = 40 + iota
	rankCreateExtension
	rankType
	rankSequence
	rankFunction
	rankCreateTable
	rankAlterTable
	rankAddColumn
	rankAlterColumn
	rankAddConstraint
	rankIndex
	rankAddForeignKey
	rankView
	rankTrigger
	rankPolicy
	rankOwn
	rankComment
	rankOwner // before privileges: an owner change hands over the old owner's privileges
	rankPrivileges
)

// render writes the SQL of one change; before and after are the models of
// the database before and after the change (from/to for up, to/from for down).
func (b *builder) render(ch diff.Change, before, after *schema.Schema) rendered {
	switch c := ch.(type) {
	case *diff.CreateSchema:
		return rendered{summary: "create schema " + c.Schema.Key(), rank: rankCreateSchema,
			sql: append(append([]string{"CREATE SCHEMA " + c.Schema.Key() + ";"},
				b.objectMeta(schema.ID(schema.KindSchema, c.Schema.Key()), c.Schema.Comment, "", c.Schema.ACL)...),
				b.ownerSQL(schema.ID(schema.KindSchema, c.Schema.Key()), c.Schema.Owner)...)}
	case *diff.DropSchema:
		return rendered{summary: "drop schema " + c.Schema.Key(), rank: rankDropSchema,
			sql: []string{"DROP SCHEMA " + c.Schema.Key() + ";"}}
	case *diff.CreateExtension:
		return rendered{summary: "create extension " + c.Extension.Key(), rank: rankCreateExtension,
			sql: []string{fmt.Sprintf("CREATE EXTENSION %s WITH SCHEMA %s VERSION %s;", c.Extension.Key(),
				schema.QuoteIdent(c.Extension.Schema), schema.QuoteLiteral(c.Extension.Version))}}
	case *diff.DropExtension:
		return rendered{summary: "drop extension " + c.Extension.Key(), rank: rankDropExtension,
			sql: []string{"DROP EXTENSION " + c.Extension.Key() + ";"}}
	case *diff.AlterExtension:
		var sql []string
		if c.From.Schema != c.To.Schema {
			sql = append(sql, fmt.Sprintf("ALTER EXTENSION %s SET SCHEMA %s;", c.To.Key(), schema.QuoteIdent(c.To.Schema)))
		}
		if c.From.Version != c.To.Version {
			sql = append(sql, fmt.Sprintf("ALTER EXTENSION %s UPDATE TO %s;", c.To.Key(), schema.QuoteLiteral(c.To.Version)))
		}
		r := rendered{summary: "alter extension " + c.To.Key(), rank: rankCreateExtension, sql: sql}
		if c.From.Version != c.To.Version {
			// An extension moves between versions only along the update
			// scripts it ships (pg_extension_update_paths); most ship
			// upgrades only, so the down's UPDATE TO the old version has no
			// path ("Packaging Related Objects into an Extension", 38.17.4).
			r.irreversible = fmt.Sprintf("the down runs ALTER EXTENSION %s UPDATE TO %s, which fails unless the extension ships a script from %s to %s (extensions usually ship upgrades only)",
				c.To.Key(), schema.QuoteLiteral(c.From.Version), schema.QuoteLiteral(c.To.Version), schema.QuoteLiteral(c.From.Version))
		}
		return r
	case *diff.CreateType:
		return rendered{summary: "create type " + c.Type.Key(), rank: rankType, sql: b.createType(c.Type)}
	case *diff.DropType:
		return rendered{summary: "drop type " + c.Type.Key(), rank: rankDropType, sql: []string{dropType(c.Type)}}
	case *diff.AlterType:
		return b.alterType(c, before, after)
	case *diff.CreateSequence:
		return rendered{summary: "create sequence " + c.Sequence.Key(), rank: rankSequence, sql: b.createSequence(c.Sequence),
			irreversible: ""}
	case *diff.DropSequence:
		return rendered{summary: "drop sequence " + c.Sequence.Key(), rank: rankDropSequence,
			sql: []string{"DROP SEQUENCE " + c.Sequence.Key() + ";"}, irreversible: "the sequence's current value is lost"}
	case *diff.AlterSequence:
		return alterSequence(c)
	case *diff.CreateFunction:
		return rendered{summary: "create " + functionWord(c.Function) + " " + c.Function.Key(), rank: rankFunction,
			sql: b.createFunction(c.Function)}
	case *diff.DropFunction:
		return rendered{summary: "drop " + functionWord(c.Function) + " " + c.Function.Key(), rank: rankDropFunction,
			sql: []string{"DROP " + strings.ToUpper(functionWord(c.Function)) + " " + c.Function.Key() + ";"}}
	case *diff.ReplaceFunction:
		return rendered{summary: "replace " + functionWord(c.To) + " " + c.To.Key(), rank: rankFunction,
			sql: []string{"SET check_function_bodies = false;", functionDefinition(c.To)}}
	case *diff.CreateTable:
		return rendered{summary: "create table " + c.Table.Key(), rank: rankCreateTable, sql: b.createTable(c.Table)}
	case *diff.DropTable:
		return rendered{summary: "drop table " + c.Table.Key(), rank: rankDropTable,
			sql: append(detachFirst(c.Table, before), "DROP TABLE "+c.Table.Key()+";"), irreversible: "the table's rows are lost"}
	case *diff.AlterTable:
		return rendered{summary: "alter table " + c.To.Key(), rank: rankAlterTable,
			sql: append(alterTable(c.From, c.To), partitionIndexSQL(c.From, c.To, before, after)...)}
	case *diff.AddColumn:
		return rendered{summary: "add column " + c.Table.Key() + "." + schema.QuoteIdent(c.Column.Name), rank: rankAddColumn,
			sql: b.addColumn(c.Table, c.Column)}
	case *diff.DropColumn:
		return rendered{summary: "drop column " + c.Table.Key() + "." + schema.QuoteIdent(c.Column.Name), rank: rankDropColumn,
			sql:          []string{fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", c.Table.Key(), schema.QuoteIdent(c.Column.Name))},
			irreversible: "the column's values are lost"}
	case *diff.RenameTable:
		return renderTableRename(c)
	case *diff.RenameColumn:
		return rendered{summary: fmt.Sprintf("rename column %s.%s to %s", c.Table.Key(), schema.QuoteIdent(c.From.Name), schema.QuoteIdent(c.To.Name)),
			rank: rankAlterColumn,
			sql: append([]string{fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s;", c.Table.Key(), schema.QuoteIdent(c.From.Name), schema.QuoteIdent(c.To.Name))},
				renameNotNull(c.Table.Key(), c.From.NotNullName, c.To.NotNullName)...)}
	case *diff.AlterColumn:
		return b.alterColumn(c)
	case *diff.AddConstraint:
		r := rendered{summary: "add constraint " + schema.QuoteIdent(c.Constraint.Name) + " on " + c.Table.Key(), rank: rankAddConstraint,
			sql: b.addConstraint(c.Table, c.Constraint)}
		if c.Constraint.Type == schema.ConstraintForeignKey {
			r.rank = rankAddForeignKey
		}
		return r
	case *diff.DropConstraint:
		r := rendered{summary: "drop constraint " + schema.QuoteIdent(c.Constraint.Name) + " on " + c.Table.Key(), rank: rankDropConstraint,
			sql: []string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", c.Table.Key(), schema.QuoteIdent(c.Constraint.Name))}}
		if c.Constraint.Type == schema.ConstraintForeignKey {
			r.rank = rankDropForeignKey
		}
		return r
	case *diff.ValidateConstraint:
		return rendered{summary: "validate constraint " + schema.QuoteIdent(c.Constraint.Name) + " on " + c.Table.Key(), rank: rankAddConstraint,
			sql: []string{fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", c.Table.Key(), schema.QuoteIdent(c.Constraint.Name))}}
	case *diff.InvalidateConstraint:
		nv := *c.Constraint
		nv.Definition += " NOT VALID"
		nv.Validated = false
		sql := []string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", c.Table.Key(), schema.QuoteIdent(c.Constraint.Name))}
		return rendered{summary: "mark constraint " + schema.QuoteIdent(c.Constraint.Name) + " on " + c.Table.Key() + " NOT VALID",
			rank: rankAddConstraint, sql: append(sql, b.addConstraint(c.Table, &nv)...)}
	case *diff.CreateIndex:
		if sql := partitionTreeIndex(c.Index, before, after); sql != nil {
			return rendered{summary: "create index " + c.Index.Key() + " with the partitions' indexes", rank: rankIndex, sql: sql}
		}
		return rendered{summary: "create index " + c.Index.Key(), rank: rankIndex, sql: b.createIndex(c.Index)}
	case *diff.DropIndex:
		return rendered{summary: "drop index " + c.Index.Key(), rank: rankDropIndex, sql: []string{"DROP INDEX " + c.Index.Key() + ";"}}
	case *diff.AlterIndex:
		sql := fmt.Sprintf("ALTER TABLE %s SET WITHOUT CLUSTER;", c.To.Table)
		if c.To.Clustered {
			sql = fmt.Sprintf("ALTER TABLE %s CLUSTER ON %s;", c.To.Table, schema.QuoteIdent(c.To.Name))
		}
		return rendered{summary: "alter index " + c.To.Key(), rank: rankIndex, sql: []string{sql}}
	case *diff.CreateView:
		return rendered{summary: "create " + viewWord(c.View) + " " + c.View.Key(), rank: rankView, sql: b.createView(c.View)}
	case *diff.DropView:
		return rendered{summary: "drop " + viewWord(c.View) + " " + c.View.Key(), rank: rankDropView,
			sql: []string{"DROP " + strings.ToUpper(viewWord(c.View)) + " " + c.View.Key() + ";"}}
	case *diff.ReplaceView:
		return rendered{summary: "replace view " + c.To.Key(), rank: rankView, sql: replaceView(c.To)}
	case *diff.CreateTrigger:
		return rendered{summary: "create trigger " + schema.QuoteIdent(c.Trigger.Name) + " on " + c.Table, rank: rankTrigger,
			sql: b.createTrigger(c.Table, c.Trigger)}
	case *diff.DropTrigger:
		return rendered{summary: "drop trigger " + schema.QuoteIdent(c.Trigger.Name) + " on " + c.Table, rank: rankDropTrigger,
			sql: []string{fmt.Sprintf("DROP TRIGGER %s ON %s;", schema.QuoteIdent(c.Trigger.Name), c.Table)}}
	case *diff.AlterTrigger:
		return rendered{summary: "alter trigger " + schema.QuoteIdent(c.To.Name) + " on " + c.Table, rank: rankTrigger,
			sql: []string{triggerEnable(c.Table, c.To)}}
	case *diff.CreatePolicy:
		return rendered{summary: "create policy " + schema.QuoteIdent(c.Policy.Name) + " on " + c.Table, rank: rankPolicy,
			sql: b.createPolicy(c.Table, c.Policy)}
	case *diff.DropPolicy:
		return rendered{summary: "drop policy " + schema.QuoteIdent(c.Policy.Name) + " on " + c.Table, rank: rankDropPolicy,
			sql: []string{fmt.Sprintf("DROP POLICY %s ON %s;", schema.QuoteIdent(c.Policy.Name), c.Table)}}
	case *diff.AlterPolicy:
		return rendered{summary: "alter policy " + schema.QuoteIdent(c.To.Name) + " on " + c.Table, rank: rankPolicy,
			sql: []string{alterPolicy(c.Table, c.To)}}
	case *diff.SetComment:
		return rendered{summary: "comment on " + b.lookupTarget(c.ID), rank: rankComment, sql: b.comment(c.ID, c.To)}
	case *diff.SetPrivileges:
		return rendered{summary: "privileges on " + b.lookupTarget(c.ID), rank: rankPrivileges, sql: b.privileges(c.ID, c.From, c.To)}
	case *diff.SetOwner:
		to := c.To
		if to == "" {
			to = "the migrating role"
		}
		return rendered{summary: "owner of " + b.lookupTarget(c.ID) + " to " + to, rank: rankOwner, sql: b.setOwner(c)}
	}
	return rendered{summary: fmt.Sprintf("unrendered change %T", ch), sql: []string{fmt.Sprintf("-- pgshift cannot render %T", ch)}}
}

func (b *builder) lookupTarget(id string) string {
	if e := b.lookup(id); e != nil {
		if t := e.commentTarget(); t != "" {
			kw, name, _ := strings.Cut(t, " ")
			if kw == "MATERIALIZED" {
				kw, name = "MATERIALIZED VIEW", strings.TrimPrefix(name, "VIEW ")
			}
			return strings.ToLower(kw) + " " + name
		}
	}
	return id
}
