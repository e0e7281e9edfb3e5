package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// createType writes CREATE TYPE / CREATE DOMAIN with comments and privileges.
func (b *builder) createType(t *schema.Type) []string {
	k := t.Key()
	var sql []string
	switch t.Kind {
	case schema.TypeEnum:
		labels := make([]string, len(t.Labels))
		for i, l := range t.Labels {
			labels[i] = schema.QuoteLiteral(l)
		}
		sql = append(sql, fmt.Sprintf("CREATE TYPE %s AS ENUM (%s);", k, strings.Join(labels, ", ")))
	case schema.TypeDomain:
		s := "CREATE DOMAIN " + k + " AS " + t.BaseType
		if t.Collation != "" {
			s += " COLLATE " + t.Collation
		}
		if t.Default != "" {
			s += " DEFAULT " + t.Default
		}
		if t.NotNull {
			s += " NOT NULL"
		}
		for _, c := range t.Constraints {
			s += "\n    CONSTRAINT " + schema.QuoteIdent(c.Name) + " " + c.Definition
		}
		sql = append(sql, s+";")
		for _, c := range t.Constraints {
			if c.Comment != "" {
				sql = append(sql, fmt.Sprintf("COMMENT ON CONSTRAINT %s ON DOMAIN %s IS %s;", schema.QuoteIdent(c.Name), k, schema.QuoteLiteral(c.Comment)))
			}
		}
	case schema.TypeComposite:
		attrs := make([]string, len(t.Attributes))
		for i, a := range t.Attributes {
			attrs[i] = "    " + attributeDefinition(a)
		}
		sql = append(sql, fmt.Sprintf("CREATE TYPE %s AS (\n%s\n);", k, strings.Join(attrs, ",\n")))
		for _, a := range t.Attributes {
			if a.Comment != "" {
				sql = append(sql, fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s;", k, schema.QuoteIdent(a.Name), schema.QuoteLiteral(a.Comment)))
			}
		}
	case schema.TypeRange:
		opts := []string{"SUBTYPE = " + t.Subtype}
		if t.SubtypeOpclass != "" {
			opts = append(opts, "SUBTYPE_OPCLASS = "+t.SubtypeOpclass)
		}
		if t.Collation != "" {
			opts = append(opts, "COLLATION = "+t.Collation)
		}
		if t.Canonical != "" {
			opts = append(opts, "CANONICAL = "+t.Canonical)
		}
		if t.SubtypeDiff != "" {
			opts = append(opts, "SUBTYPE_DIFF = "+t.SubtypeDiff)
		}
		if t.Multirange != "" {
			opts = append(opts, "MULTIRANGE_TYPE_NAME = "+t.Multirange)
		}
		sql = append(sql, fmt.Sprintf("CREATE TYPE %s AS RANGE (%s);", k, strings.Join(opts, ", ")))
	}
	sql = append(sql, b.objectMeta(schema.ID(schema.KindType, k), t.Comment, "", t.ACL)...)
	return append(sql, b.ownerSQL(schema.ID(schema.KindType, k), t.Owner)...)
}

func attributeDefinition(a *schema.Attribute) string {
	s := schema.QuoteIdent(a.Name) + " " + a.Type
	if a.Collation != "" {
		s += " COLLATE " + a.Collation
	}
	return s
}

func dropType(t *schema.Type) string {
	if t.Kind == schema.TypeDomain {
		return "DROP DOMAIN " + t.Key() + ";"
	}
	return "DROP TYPE " + t.Key() + ";"
}

// enumNeedsRecreate reports whether to's labels cannot be reached from
// from's by ALTER TYPE ... ADD VALUE (a label is removed or reordered).
func enumNeedsRecreate(from, to *schema.Type) bool {
	if from.Kind != schema.TypeEnum {
		return false
	}
	i := 0
	for _, l := range to.Labels {
		if i < len(from.Labels) && from.Labels[i] == l {
			i++
		}
	}
	return i != len(from.Labels)
}

// alterType writes the changes of an enum, a domain or a composite type.
func (b *builder) alterType(c *diff.AlterType, before, after *schema.Schema) rendered {
	k := c.To.Key()
	r := rendered{summary: "alter type " + k, rank: rankType}
	switch c.To.Kind {
	case schema.TypeEnum:
		if enumNeedsRecreate(c.From, c.To) {
			r.summary = "recreate enum " + k + " (values removed or reordered)"
			r.sql = b.recreateEnum(c.From, c.To, before, after)
			return r
		}
		// ALTER TYPE ... ADD VALUE: the new value cannot be used before the
		// transaction that adds it commits ("ALTER TYPE" notes), so the step
		// goes in a file of its own.
		r.nonTransactional = true
		for i, l := range c.To.Labels {
			if slices.Contains(c.From.Labels, l) {
				continue
			}
			s := fmt.Sprintf("ALTER TYPE %s ADD VALUE %s", k, schema.QuoteLiteral(l))
			if i+1 < len(c.To.Labels) && slices.Contains(c.From.Labels, c.To.Labels[i+1]) {
				s += " BEFORE " + schema.QuoteLiteral(c.To.Labels[i+1])
			} else if i > 0 {
				s += " AFTER " + schema.QuoteLiteral(c.To.Labels[i-1])
			}
			r.sql = append(r.sql, s+";")
		}
	case schema.TypeDomain:
		alter := "ALTER DOMAIN " + k + " "
		if c.From.Default != c.To.Default {
			if c.To.Default == "" {
				r.sql = append(r.sql, alter+"DROP DEFAULT;")
			} else {
				r.sql = append(r.sql, alter+"SET DEFAULT "+c.To.Default+";")
			}
		}
		if c.From.NotNull != c.To.NotNull {
			r.sql = append(r.sql, alter+map[bool]string{true: "SET NOT NULL;", false: "DROP NOT NULL;"}[c.To.NotNull])
		}
		find := func(list []*schema.DomainConstraint, name string) *schema.DomainConstraint {
			for _, x := range list {
				if x.Name == name {
					return x
				}
			}
			return nil
		}
		for _, fc := range c.From.Constraints {
			if tc := find(c.To.Constraints, fc.Name); tc == nil || tc.Definition != fc.Definition {
				r.sql = append(r.sql, alter+"DROP CONSTRAINT "+schema.QuoteIdent(fc.Name)+";")
			}
		}
		for _, tc := range c.To.Constraints {
			fc := find(c.From.Constraints, tc.Name)
			if fc == nil || tc.Definition != fc.Definition {
				r.sql = append(r.sql, alter+"ADD CONSTRAINT "+schema.QuoteIdent(tc.Name)+" "+tc.Definition+";")
				if tc.Comment != "" {
					r.sql = append(r.sql, fmt.Sprintf("COMMENT ON CONSTRAINT %s ON DOMAIN %s IS %s;", schema.QuoteIdent(tc.Name), k, schema.QuoteLiteral(tc.Comment)))
				}
			} else if fc.Comment != tc.Comment {
				r.sql = append(r.sql, fmt.Sprintf("COMMENT ON CONSTRAINT %s ON DOMAIN %s IS %s;", schema.QuoteIdent(tc.Name), k, commentLiteral(tc.Comment)))
			}
		}
	case schema.TypeComposite:
		find := func(list []*schema.Attribute, name string) *schema.Attribute {
			for _, x := range list {
				if x.Name == name {
					return x
				}
			}
			return nil
		}
		for _, fa := range c.From.Attributes {
			if find(c.To.Attributes, fa.Name) == nil {
				r.sql = append(r.sql, fmt.Sprintf("ALTER TYPE %s DROP ATTRIBUTE %s;", k, schema.QuoteIdent(fa.Name)))
			}
		}
		for _, ta := range c.To.Attributes {
			fa := find(c.From.Attributes, ta.Name)
			switch {
			case fa == nil:
				r.sql = append(r.sql, fmt.Sprintf("ALTER TYPE %s ADD ATTRIBUTE %s;", k, attributeDefinition(ta)))
			case fa.Type != ta.Type || fa.Collation != ta.Collation:
				s := fmt.Sprintf("ALTER TYPE %s ALTER ATTRIBUTE %s TYPE %s", k, schema.QuoteIdent(ta.Name), ta.Type)
				if ta.Collation != "" {
					s += " COLLATE " + ta.Collation
				}
				r.sql = append(r.sql, s+";")
			}
			if (fa == nil && ta.Comment != "") || (fa != nil && fa.Comment != ta.Comment) {
				r.sql = append(r.sql, fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s;", k, schema.QuoteIdent(ta.Name), commentLiteral(ta.Comment)))
			}
		}
	}
	return r
}

// recreateEnum replaces an enum whose values are removed or reordered: the
// old type is renamed, the new one created, every column of the type is
// converted through text, and the old type dropped. It fails at run time if a
// row holds a removed value.
func (b *builder) recreateEnum(from, to *schema.Type, before, after *schema.Schema) []string {
	k := to.Key()
	oldName := to.Name + "__pgshift_old"
	if len(oldName) > 63 {
		oldName = oldName[len(oldName)-63:]
	}
	old := schema.QualName(to.Schema, oldName)
	sql := []string{fmt.Sprintf("ALTER TYPE %s RENAME TO %s;", k, schema.QuoteIdent(oldName))}
	sql = append(sql, b.createType(to)...)
	for _, tk := range schema.SortedKeys(before.Tables) {
		t := before.Tables[tk]
		for _, c := range t.Columns {
			if c.Type != k && c.Type != k+"[]" {
				continue
			}
			alter := fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s ", tk, schema.QuoteIdent(c.Name))
			if c.Default != "" {
				sql = append(sql, alter+"DROP DEFAULT;")
			}
			textType := "text"
			if strings.HasSuffix(c.Type, "[]") {
				textType = "text[]"
			}
			sql = append(sql, fmt.Sprintf("%sTYPE %s USING %s::%s::%s;", alter, c.Type, schema.QuoteIdent(c.Name), textType, c.Type))
			if at := after.Tables[tk]; at != nil {
				if ac := at.Column(c.Name); ac != nil && ac.Default != "" {
					sql = append(sql, alter+"SET DEFAULT "+ac.Default+";")
				}
			}
		}
	}
	return append(sql, "DROP TYPE "+old+";")
}

// createSequence writes CREATE SEQUENCE (without OWNED BY) with comment and privileges.
func (b *builder) createSequence(q *schema.Sequence) []string {
	kw := "CREATE SEQUENCE "
	if q.Unlogged {
		kw = "CREATE UNLOGGED SEQUENCE "
	}
	s := kw + q.Key() + " AS " + q.DataType + " " + strings.Join(sequenceOptions(q, nil), " ") + ";"
	sql := append([]string{s}, b.objectMeta(schema.ID(schema.KindSequence, q.Key()), q.Comment, "", q.ACL)...)
	if q.OwnedBy != "" {
		return sql // an owned sequence takes its table's owner
	}
	return append(sql, b.ownerSQL(schema.ID(schema.KindSequence, q.Key()), q.Owner)...)
}

func alterSequence(c *diff.AlterSequence) rendered {
	k := c.To.Key()
	r := rendered{summary: "alter sequence " + k, rank: rankSequence}
	opts := sequenceOptions(c.To, c.From)
	if c.From.DataType != c.To.DataType {
		opts = append([]string{"AS " + c.To.DataType}, opts...)
	}
	if len(opts) > 0 {
		r.sql = append(r.sql, raiseSequenceValue(schema.QuoteLiteral(k), c.From, c.To)...)
		r.sql = append(r.sql, "ALTER SEQUENCE "+k+" "+strings.Join(opts, " ")+";")
	}
	if c.From.Unlogged != c.To.Unlogged {
		r.sql = append(r.sql, fmt.Sprintf("ALTER SEQUENCE %s SET %s;", k, map[bool]string{true: "UNLOGGED", false: "LOGGED"}[c.To.Unlogged]))
	}
	if c.From.OwnedBy != c.To.OwnedBy {
		owner := c.To.OwnedBy
		if owner == "" {
			owner = "NONE"
			r.rank = rankDisown
			r.summary = "release sequence " + k + " from " + c.From.OwnedBy
		} else {
			r.rank = rankOwn
			r.summary = "sequence " + k + " owned by " + owner
		}
		r.sql = append(r.sql, fmt.Sprintf("ALTER SEQUENCE %s OWNED BY %s;", k, owner))
	}
	return r
}

func functionWord(f *schema.Function) string {
	switch f.Kind {
	case schema.FunctionProcedure:
		return "procedure"
	case schema.FunctionAggregate:
		return "aggregate"
	}
	return "function"
}

// functionDefinition returns the CREATE [OR REPLACE] statement with a final semicolon.
func functionDefinition(f *schema.Function) string {
	d := strings.TrimRight(f.Definition, " \n\t;")
	return d + ";"
}

// createFunction writes the function's CREATE statement, comment and
// privileges. check_function_bodies is turned off as pg_dump does, so a SQL
// function may be created before the tables its body reads.
func (b *builder) createFunction(f *schema.Function) []string {
	sql := []string{"SET check_function_bodies = false;", functionDefinition(f)}
	sql = append(sql, b.objectMeta(schema.ID(schema.KindFunction, f.Key()), f.Comment, "", f.ACL)...)
	return append(sql, b.ownerSQL(schema.ID(schema.KindFunction, f.Key()), f.Owner)...)
}

func viewWord(v *schema.View) string {
	if v.Materialized {
		return "materialized view"
	}
	return "view"
}

func viewQuery(v *schema.View) string {
	return strings.TrimRight(v.Definition, " \n\t;")
}

func viewWith(v *schema.View) string {
	if len(v.Options) == 0 {
		return ""
	}
	return " WITH (" + strings.Join(v.Options, ", ") + ")"
}

// createView writes CREATE [MATERIALIZED] VIEW with column defaults, indexes,
// triggers, comments and privileges.
func (b *builder) createView(v *schema.View) []string {
	k := v.Key()
	var sql []string
	if v.Materialized {
		data := " WITH DATA"
		if !v.WithData {
			data = " WITH NO DATA"
		}
		sql = append(sql, fmt.Sprintf("CREATE MATERIALIZED VIEW %s%s AS\n%s%s;", k, viewWith(v), viewQuery(v), data))
	} else {
		sql = append(sql, fmt.Sprintf("CREATE VIEW %s%s AS\n%s;", k, viewWith(v), viewQuery(v)))
	}
	for _, c := range v.Columns {
		if c.Default != "" {
			sql = append(sql, fmt.Sprintf("ALTER VIEW %s ALTER COLUMN %s SET DEFAULT %s;", k, schema.QuoteIdent(c.Name), c.Default))
		}
	}
	for _, i := range v.Indexes {
		sql = append(sql, b.createIndex(i)...)
	}
	for _, t := range v.Triggers {
		sql = append(sql, b.createTrigger(k, t)...)
	}
	sql = append(sql, b.objectMeta(schema.ID(schema.KindView, k), v.Comment, "", v.ACL)...)
	for _, c := range v.Columns {
		sql = append(sql, b.objectMeta(colID(k, c.Name), c.Comment, "", nil)...)
	}
	return append(sql, b.ownerSQL(schema.ID(schema.KindView, k), v.Owner)...)
}

func replaceView(v *schema.View) []string {
	return []string{fmt.Sprintf("CREATE OR REPLACE VIEW %s%s AS\n%s;", v.Key(), viewWith(v), viewQuery(v))}
}

// createTrigger writes the trigger definition, its enabled state and comment.
func (b *builder) createTrigger(table string, t *schema.Trigger) []string {
	sql := []string{strings.TrimRight(t.Definition, " ;") + ";"}
	if t.Enabled != "" && t.Enabled != "O" {
		sql = append(sql, triggerEnable(table, t))
	}
	if t.Comment != "" {
		sql = append(sql, fmt.Sprintf("COMMENT ON TRIGGER %s ON %s IS %s;", schema.QuoteIdent(t.Name), table, schema.QuoteLiteral(t.Comment)))
	}
	return sql
}

func triggerEnable(table string, t *schema.Trigger) string {
	how := map[string]string{"O": "ENABLE", "D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}[t.Enabled]
	if how == "" {
		how = "ENABLE"
	}
	return fmt.Sprintf("ALTER TABLE %s %s TRIGGER %s;", table, how, schema.QuoteIdent(t.Name))
}

func policyRoles(p *schema.Policy) string {
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		if r == "public" {
			roles[i] = "PUBLIC"
		} else {
			roles[i] = schema.QuoteIdent(r)
		}
	}
	if len(roles) == 0 {
		return "PUBLIC"
	}
	return strings.Join(roles, ", ")
}

// createPolicy writes CREATE POLICY and its comment.
func (b *builder) createPolicy(table string, p *schema.Policy) []string {
	s := fmt.Sprintf("CREATE POLICY %s ON %s AS %s FOR %s TO %s", schema.QuoteIdent(p.Name), table,
		map[bool]string{true: "PERMISSIVE", false: "RESTRICTIVE"}[p.Permissive], p.Command, policyRoles(p))
	if p.Using != "" {
		s += " USING (" + p.Using + ")"
	}
	if p.WithCheck != "" {
		s += " WITH CHECK (" + p.WithCheck + ")"
	}
	sql := []string{s + ";"}
	if p.Comment != "" {
		sql = append(sql, fmt.Sprintf("COMMENT ON POLICY %s ON %s IS %s;", schema.QuoteIdent(p.Name), table, schema.QuoteLiteral(p.Comment)))
	}
	return sql
}

func alterPolicy(table string, p *schema.Policy) string {
	s := fmt.Sprintf("ALTER POLICY %s ON %s TO %s", schema.QuoteIdent(p.Name), table, policyRoles(p))
	if p.Using != "" {
		s += " USING (" + p.Using + ")"
	}
	if p.WithCheck != "" {
		s += " WITH CHECK (" + p.WithCheck + ")"
	}
	return s + ";"
}
