package diff

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/schema"
)

// partModel is a partitioned table public.p (a int, b text) with partition
// public.p1; edit changes it.
func partModel(edit func(p, p1 *schema.Table)) *schema.Schema {
	s := schema.NewSchema()
	cols := func() []*schema.Column {
		return []*schema.Column{{Name: "a", Type: "integer", Statistics: -1}, {Name: "b", Type: "text", Statistics: -1}}
	}
	p := &schema.Table{Schema: "public", Name: "p", Kind: schema.TablePartitioned, PartitionKey: "RANGE (a)", Columns: cols(),
		Indexes: []*schema.Index{{Schema: "public", Name: "p_b_idx", Table: "public.p", Definition: "CREATE INDEX p_b_idx ON ONLY public.p USING btree (b)", Valid: true}}}
	p1 := &schema.Table{Schema: "public", Name: "p1", Kind: schema.TableOrdinary, PartitionOf: "public.p",
		PartitionBound: "FOR VALUES FROM (0) TO (10)", Columns: cols(),
		PartitionIndexes: []*schema.PartitionIndex{{Name: "p1_b_idx", Parent: "public.p_b_idx"}}}
	if edit != nil {
		edit(p, p1)
	}
	s.Tables[p.Key()], s.Tables[p1.Key()] = p, p1
	return s
}

// describe lists changes as "Type table.column" strings, sorted.
func describe(chs []Change) string {
	var out []string
	for _, ch := range chs {
		switch c := ch.(type) {
		case *AlterColumn:
			out = append(out, fmt.Sprintf("AlterColumn %s.%s", c.Table.Name, c.To.Name))
		case *AddColumn:
			out = append(out, fmt.Sprintf("AddColumn %s.%s", c.Table.Name, c.Column.Name))
		case *DropColumn:
			out = append(out, fmt.Sprintf("DropColumn %s.%s", c.Table.Name, c.Column.Name))
		case *AlterTable:
			out = append(out, "AlterTable "+c.To.Name)
		default:
			out = append(out, fmt.Sprintf("%T", ch))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// TestPartitionChanges: changes made on the parent recurse to the
// partitions and are planned once, on the parent; what a partition holds
// of its own (NOT NULL, default, the names of its attached indexes) is
// planned on the partition.
func TestPartitionChanges(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(p, p1 *schema.Table)
		want string
	}{
		{"no change", nil, ""},
		{"parent type change recurses", func(p, p1 *schema.Table) {
			p.Columns[1].Type, p1.Columns[1].Type = "character varying(5)", "character varying(5)"
		}, "AlterColumn p.b"},
		{"parent column added once", func(p, p1 *schema.Table) {
			p.Columns = append(p.Columns, &schema.Column{Name: "c", Type: "date", Default: "now()", Statistics: -1})
			p1.Columns = append(p1.Columns, &schema.Column{Name: "c", Type: "date", Default: "now()", Statistics: -1})
		}, "AddColumn p.c"},
		{"parent column dropped once", func(p, p1 *schema.Table) {
			p.Columns, p1.Columns = p.Columns[:1], p1.Columns[:1]
		}, "DropColumn p.b"},
		{"parent NOT NULL recurses", func(p, p1 *schema.Table) {
			p.Columns[1].NotNull, p1.Columns[1].NotNull = true, true
		}, "AlterColumn p.b"},
		{"partition-level NOT NULL", func(p, p1 *schema.Table) { p1.Columns[1].NotNull = true }, "AlterColumn p1.b"},
		{"partition-level default", func(p, p1 *schema.Table) { p1.Columns[0].Default = "7" }, "AlterColumn p1.a"},
		{"parent default with a partition's own", func(p, p1 *schema.Table) {
			p.Columns[0].Default, p1.Columns[0].Default = "1", "2"
		}, "AlterColumn p.a, AlterColumn p1.a"},
		{"attached index renamed", func(p, p1 *schema.Table) { p1.PartitionIndexes[0].Name = "other" }, "AlterTable p1"},
		// PostgreSQL 18 NOT NULL constraint names (Column.NotNullName).
		{"parent NOT NULL recurses with the parent's name", func(p, p1 *schema.Table) {
			p.Columns[1].NotNull, p1.Columns[1].NotNull = true, true
			p.Columns[1].NotNullName, p1.Columns[1].NotNullName = "p_b_not_null", "p_b_not_null"
		}, "AlterColumn p.b"},
		{"parent NOT NULL with a partition's own name: not renamable", func(p, p1 *schema.Table) {
			p.Columns[1].NotNull, p1.Columns[1].NotNull = true, true
			p.Columns[1].NotNullName, p1.Columns[1].NotNullName = "p_b_not_null", "p1_b_not_null"
		}, "*diff.Unsupported, AlterColumn p.b"},
		{"partition-level NOT NULL keeps its name", func(p, p1 *schema.Table) {
			p1.Columns[1].NotNull, p1.Columns[1].NotNullName = true, "p1_b_nn"
		}, "AlterColumn p1.b"},
		{"parent index rebuilt: children go with it", func(p, p1 *schema.Table) {
			p.Indexes[0].Definition = "CREATE INDEX p_b_idx ON ONLY public.p USING hash (b)"
			p1.PartitionIndexes[0].Name = "p1_b_idx1"
		}, "*diff.CreateIndex, *diff.DropIndex"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := describe(Compare(partModel(nil), partModel(c.edit))); got != c.want {
				t.Errorf("changes = %q, want %q", got, c.want)
			}
		})
	}
}

// TestPartitionNotNullNames: on PostgreSQL 18 a NOT NULL renamed on the
// parent is renamed on the partitions that have the parent's name (one
// change, on the parent); a partition whose inherited NOT NULL has another
// name than the target's is Unsupported (an inherited constraint cannot be
// renamed), never silently equal.
func TestPartitionNotNullNames(t *testing.T) {
	named := func(parent, part string) func(p, p1 *schema.Table) {
		return func(p, p1 *schema.Table) {
			p.Columns[1].NotNull, p1.Columns[1].NotNull = true, true
			p.Columns[1].NotNullName, p1.Columns[1].NotNullName = parent, part
		}
	}
	for _, c := range []struct {
		name     string
		from, to func(p, p1 *schema.Table)
		want     string
	}{
		{"same names", named("p_b_not_null", "p_b_not_null"), named("p_b_not_null", "p_b_not_null"), ""},
		{"parent rename recurses", named("p_b_not_null", "p_b_not_null"), named("p_b_nn", "p_b_nn"), "AlterColumn p.b"},
		{"partition's own name differs", named("p_b_not_null", "p_b_not_null"), named("p_b_not_null", "p1_b_not_null"), "*diff.Unsupported"},
		{"a model without names (17 or older) is equal", named("", ""), named("p_b_not_null", "p1_b_not_null"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := describe(Compare(partModel(c.from), partModel(c.to))); got != c.want {
				t.Errorf("changes = %q, want %q", got, c.want)
			}
		})
	}
}

// TestAttachKeepsColumns: a table that becomes a partition keeps its
// columns (no DropColumn), the change is an AlterTable (ATTACH).
func TestAttachKeepsColumns(t *testing.T) {
	from := partModel(func(p, p1 *schema.Table) { p1.PartitionOf, p1.PartitionBound, p1.PartitionIndexes = "", "", nil })
	if got := describe(Compare(from, partModel(nil))); got != "AlterTable p1" {
		t.Errorf("changes = %q, want only the attach", got)
	}
}

// TestConvertedTableSkipsPartitions: a table that becomes partitioned is
// Unsupported, and its new partitions are not created.
func TestConvertedTableSkipsPartitions(t *testing.T) {
	from := schema.NewSchema()
	from.Tables["public.p"] = &schema.Table{Schema: "public", Name: "p", Kind: schema.TableOrdinary,
		Columns: []*schema.Column{{Name: "a", Type: "integer", Statistics: -1}}}
	to := partModel(nil)
	to.Tables["public.p"].Indexes = nil
	to.Tables["public.p"].Columns = to.Tables["public.p"].Columns[:1]
	if got := describe(Compare(from, to)); got != "*diff.Unsupported" {
		t.Errorf("changes = %q, want only Unsupported", got)
	}
}
