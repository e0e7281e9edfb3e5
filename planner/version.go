package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// Supported PostgreSQL majors. Introspection and planning are tested on
// real servers of each (.ci/pg-matrix).
const (
	MinMajor = 13
	MaxMajor = 18
)

// MajorOf turns a server_version_num (150018) or a major (15) into the major.
func MajorOf(v int) int {
	if v >= 10000 {
		return v / 10000
	}
	return v
}

// targetMajor is the PostgreSQL major the migration will run on:
// Options.TargetVersion when set, else the major of the server the from
// model was read from (the database being migrated, or the dev server that
// loaded a from file), else the to model's; 0 when unknown.
func (b *builder) targetMajor() int {
	switch {
	case b.opts.TargetVersion != 0:
		return MajorOf(b.opts.TargetVersion)
	case b.from != nil && b.from.ServerVersionNum != 0:
		return MajorOf(b.from.ServerVersionNum)
	case b.to != nil && b.to.ServerVersionNum != 0:
		return MajorOf(b.to.ServerVersionNum)
	}
	return 0
}

// targetAtLeast reports whether the target runs major m or later. An
// unknown target is treated as the newest supported major.
func (b *builder) targetAtLeast(m int) bool {
	t := b.targetMajor()
	return t == 0 || t >= m
}

// feature is a piece of SQL syntax (or a catalog state) that needs a
// minimum major.
type feature struct {
	major  int
	what   string
	plural bool // "what need", not "what needs"
}

// Features whose SQL only newer majors accept (see ../shared/docs/hazards.md
// and the PostgreSQL release notes).
var (
	featDropExpression   = feature{13, "ALTER COLUMN ... DROP EXPRESSION", false}
	featCompression      = feature{14, "column compression (COMPRESSION / SET COMPRESSION)", false}
	featMultirangeName   = feature{14, "MULTIRANGE_TYPE_NAME", false}
	featSQLBody          = feature{14, "SQL-standard function bodies (BEGIN ATOMIC / RETURN)", true}
	featNullsNotDistinct = feature{15, "NULLS NOT DISTINCT", false}
	featUnloggedSequence = feature{15, "unlogged sequences", true}
	featSecurityInvoker  = feature{15, "security_invoker views", true}
	featMaintain         = feature{17, "the MAINTAIN privilege", false}
	featVirtualGenerated = feature{18, "VIRTUAL generated columns", true}
	featWithoutOverlaps  = feature{18, "WITHOUT OVERLAPS / PERIOD constraints", true}
	featNotEnforced      = feature{18, "NOT ENFORCED constraints", true}
)

// gateVersion replaces every change whose up or down SQL the target major
// cannot run by a diff.Unsupported naming the feature and the major it
// needs, so the plan never emits such SQL and says why in Plan.Notes.
func (b *builder) gateVersion(changes []diff.Change) []diff.Change {
	t := b.targetMajor()
	if t == 0 || t >= MaxMajor {
		return changes
	}
	out := changes[:0:0]
	for _, ch := range changes {
		if _, ok := ch.(*diff.Unsupported); ok {
			out = append(out, ch)
			continue
		}
		var missing []string
		for _, f := range append(changeFeatures(ch), changeFeatures(ch.Inverse())...) {
			if f.major > t {
				verb := "needs"
				if f.plural {
					verb = "need"
				}
				s := fmt.Sprintf("%s %s PostgreSQL %d or later", f.what, verb, f.major)
				if !slices.Contains(missing, s) {
					missing = append(missing, s)
				}
			}
		}
		if len(missing) == 0 {
			out = append(out, ch)
			continue
		}
		out = append(out, &diff.Unsupported{
			ID:     changeID(ch),
			Reason: fmt.Sprintf("%s; the target is PostgreSQL %d", strings.Join(missing, "; "), t),
		})
	}
	return out
}

// changeFeatures lists the version-dependent features the SQL of ch uses.
func changeFeatures(ch diff.Change) []feature {
	var fs []feature
	switch c := ch.(type) {
	case *diff.CreateType:
		fs = typeFeatures(c.Type)
	case *diff.AlterType:
		if c.From.Multirange != c.To.Multirange {
			fs = typeFeatures(c.To)
		}
	case *diff.CreateSequence:
		fs = sequenceFeatures(c.Sequence, nil)
	case *diff.AlterSequence:
		fs = sequenceFeatures(c.To, c.From)
	case *diff.CreateFunction:
		fs = functionFeatures(c.Function)
	case *diff.ReplaceFunction:
		fs = functionFeatures(c.To)
	case *diff.CreateTable:
		for _, col := range c.Table.Columns {
			fs = append(fs, columnFeatures(col, nil)...)
		}
		for _, con := range c.Table.Constraints {
			fs = append(fs, constraintFeatures(con)...)
		}
		for _, x := range c.Table.Indexes {
			fs = append(fs, indexFeatures(x)...)
		}
		fs = append(fs, aclFeatures(c.Table.ACL)...)
	case *diff.AddColumn:
		fs = columnFeatures(c.Column, nil)
	case *diff.AlterColumn:
		fs = columnFeatures(c.To, c.From)
	case *diff.AddConstraint:
		fs = constraintFeatures(c.Constraint)
	case *diff.CreateIndex:
		fs = indexFeatures(c.Index)
	case *diff.AlterIndex:
		if c.From.Definition != c.To.Definition {
			fs = indexFeatures(c.To)
		}
	case *diff.CreateView:
		fs = viewFeatures(c.View)
	case *diff.ReplaceView:
		fs = viewFeatures(c.To)
	case *diff.SetPrivileges:
		fs = aclFeatures(c.To)
	}
	return fs
}

func typeFeatures(t *schema.Type) []feature {
	if t.Kind == schema.TypeRange && t.Multirange != "" {
		return []feature{featMultirangeName}
	}
	return nil
}

func sequenceFeatures(s, old *schema.Sequence) []feature {
	fs := aclFeatures(s.ACL)
	if s.Unlogged && (old == nil || !old.Unlogged) || old != nil && old.Unlogged && !s.Unlogged {
		fs = append(fs, featUnloggedSequence)
	}
	return fs
}

// functionFeatures: pg_get_functiondef prints an SQL-standard body as a
// "RETURN ..." or "BEGIN ATOMIC" line instead of an "AS $function$" body.
func functionFeatures(f *schema.Function) []feature {
	fs := aclFeatures(f.ACL)
	d := f.Definition
	if !strings.Contains(d, " AS ") && (strings.Contains(d, "\nRETURN ") || strings.Contains(d, "\nBEGIN ATOMIC")) {
		fs = append(fs, featSQLBody)
	}
	return fs
}

// columnFeatures lists what creating c (old == nil) or altering old into c needs.
func columnFeatures(c, old *schema.Column) []feature {
	var fs []feature
	if old == nil {
		if c.Compression != "" {
			fs = append(fs, featCompression)
		}
	} else if c.Compression != old.Compression {
		fs = append(fs, featCompression)
	}
	if c.Virtual && (old == nil || old.Generated != c.Generated || !old.Virtual) {
		fs = append(fs, featVirtualGenerated)
	}
	if old != nil && old.Generated != "" && c.Generated == "" {
		fs = append(fs, featDropExpression)
	}
	if old == nil || !slices.Equal(old.ACL, c.ACL) {
		fs = append(fs, aclFeatures(c.ACL)...)
	}
	return fs
}

func constraintFeatures(c *schema.Constraint) []feature {
	var fs []feature
	d := c.Definition
	if strings.Contains(d, "NULLS NOT DISTINCT") {
		fs = append(fs, featNullsNotDistinct)
	}
	if strings.Contains(d, " WITHOUT OVERLAPS") || strings.Contains(d, "(PERIOD ") || strings.Contains(d, ", PERIOD ") {
		fs = append(fs, featWithoutOverlaps)
	}
	if strings.HasSuffix(d, " NOT ENFORCED") || strings.Contains(d, " NOT ENFORCED ") {
		fs = append(fs, featNotEnforced)
	}
	return fs
}

func indexFeatures(x *schema.Index) []feature {
	if strings.Contains(x.Definition, " NULLS NOT DISTINCT") {
		return []feature{featNullsNotDistinct}
	}
	return nil
}

func viewFeatures(v *schema.View) []feature {
	fs := aclFeatures(v.ACL)
	for _, o := range v.Options {
		if strings.HasPrefix(o, "security_invoker=") {
			fs = append(fs, featSecurityInvoker)
		}
	}
	return fs
}

func aclFeatures(acl []string) []feature {
	for _, a := range acl {
		if strings.HasSuffix(strings.TrimSuffix(a, "*"), "=MAINTAIN") {
			return []feature{featMaintain}
		}
	}
	return nil
}

// changeID names the object a change is about, for notes.
func changeID(ch diff.Change) string {
	col := func(t *schema.Table, c *schema.Column) string {
		return schema.ID(schema.KindColumn, t.Key()+"."+schema.QuoteIdent(c.Name))
	}
	con := func(t *schema.Table, c *schema.Constraint) string {
		return schema.ID(schema.KindConstraint, t.Key()+"."+schema.QuoteIdent(c.Name))
	}
	switch c := ch.(type) {
	case *diff.CreateType:
		return schema.ID(schema.KindType, c.Type.Key())
	case *diff.AlterType:
		return schema.ID(schema.KindType, c.To.Key())
	case *diff.CreateSequence:
		return schema.ID(schema.KindSequence, c.Sequence.Key())
	case *diff.AlterSequence:
		return schema.ID(schema.KindSequence, c.To.Key())
	case *diff.DropSequence:
		return schema.ID(schema.KindSequence, c.Sequence.Key())
	case *diff.CreateFunction:
		return schema.ID(schema.KindFunction, c.Function.Key())
	case *diff.ReplaceFunction:
		return schema.ID(schema.KindFunction, c.To.Key())
	case *diff.DropFunction:
		return schema.ID(schema.KindFunction, c.Function.Key())
	case *diff.CreateTable:
		return schema.ID(schema.KindTable, c.Table.Key())
	case *diff.DropTable:
		return schema.ID(schema.KindTable, c.Table.Key())
	case *diff.AddColumn:
		return col(c.Table, c.Column)
	case *diff.DropColumn:
		return col(c.Table, c.Column)
	case *diff.AlterColumn:
		return col(c.Table, c.To)
	case *diff.AddConstraint:
		return con(c.Table, c.Constraint)
	case *diff.DropConstraint:
		return con(c.Table, c.Constraint)
	case *diff.CreateIndex:
		return schema.ID(schema.KindIndex, c.Index.Key())
	case *diff.DropIndex:
		return schema.ID(schema.KindIndex, c.Index.Key())
	case *diff.AlterIndex:
		return schema.ID(schema.KindIndex, c.To.Key())
	case *diff.CreateView:
		return schema.ID(schema.KindView, c.View.Key())
	case *diff.DropView:
		return schema.ID(schema.KindView, c.View.Key())
	case *diff.ReplaceView:
		return schema.ID(schema.KindView, c.To.Key())
	case *diff.SetPrivileges:
		return c.ID
	case *diff.SetOwner:
		return c.ID
	}
	return fmt.Sprintf("%T", ch)
}
