package offline

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
)

// alterTable applies ALTER TABLE (and ALTER INDEX / SEQUENCE / VIEW spelled
// as ALTER TABLE) to the model, subcommand by subcommand; a subcommand it
// does not model is recorded as a gap.
func (b *offline) alterTable(at *pg_query.AlterTableStmt) error {
	switch at.Objtype {
	case pg_query.ObjectType_OBJECT_INDEX:
		return b.alterIndex(at)
	case pg_query.ObjectType_OBJECT_SEQUENCE:
		sc, _ := b.lookupRel(at.Relation.Schemaname, at.Relation.Relname)
		sq := b.s.Sequences[schema.QualName(sc, at.Relation.Relname)]
		for _, cn := range at.Cmds {
			cmd := cn.GetAlterTableCmd()
			if cmd.Subtype == pg_query.AlterTableType_AT_ChangeOwner && sq != nil {
				sq.Owner = cmd.Newowner.GetRolename()
			}
		}
		return nil
	case pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW:
		v := b.view(at.Relation)
		if v == nil {
			return nil
		}
		for _, cn := range at.Cmds {
			cmd := cn.GetAlterTableCmd()
			switch cmd.Subtype {
			case pg_query.AlterTableType_AT_ChangeOwner:
				v.Owner = cmd.Newowner.GetRolename()
			case pg_query.AlterTableType_AT_SetRelOptions:
				v.Options = schema.SortedSet(append(v.Options, relOptions(cmd.Def.GetList().GetItems())...))
			default:
				b.gap("view")
			}
		}
		return nil
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
	default:
		b.gap("unsupported-statement")
		return nil
	}
	t := b.table(at.Relation)
	if t == nil {
		if !at.MissingOk {
			b.gap("unresolved-reference")
		}
		return nil
	}
	for _, cn := range at.Cmds {
		cmd := cn.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		if !b.alterColumnCmd(t, cmd) && !b.alterTableSetting(t, cmd) && !b.alterTableMember(t, cmd) {
			b.gap("unsupported-statement")
		}
	}
	return nil
}

// alterColumnCmd applies an ALTER TABLE subcommand on a column (ADD / DROP
// COLUMN, ALTER COLUMN ...); it reports whether cmd is one of those.
func (b *offline) alterColumnCmd(t *schema.Table, cmd *pg_query.AlterTableCmd) bool {
	col := t.Column(cmd.Name)
	switch cmd.Subtype {
	case pg_query.AlterTableType_AT_AddColumn:
		cd := cmd.Def.GetColumnDef()
		if t.Column(cd.Colname) != nil && cmd.MissingOk {
			return true
		}
		pending := applyConstraintAttrs(b.addColumn(t, cd))
		for _, p := range pending {
			b.addConstraint(t, p.c, p.col)
		}
	case pg_query.AlterTableType_AT_ColumnDefault:
		if col == nil {
			return true
		}
		col.Default = ""
		if cmd.Def != nil {
			col.Default = b.expr(cmd.Def, t, &col.Deps)
			b.temporalDefault(col, cmd.Def)
			col.Deps = withoutIDs(col.Deps, b.colID(t, col.Name), schema.ID(schema.KindTable, t.Key()))
		}
	case pg_query.AlterTableType_AT_SetNotNull:
		if col != nil {
			col.NotNull = true
		}
	case pg_query.AlterTableType_AT_DropNotNull:
		if col != nil {
			col.NotNull = false
		}
	case pg_query.AlterTableType_AT_AddIdentity:
		if col != nil {
			b.setIdentity(t, col, cmd.Def.GetConstraint())
		}
	case pg_query.AlterTableType_AT_SetIdentity:
		if col != nil && col.IdentitySequence != nil {
			for _, o := range cmd.Def.GetList().GetItems() {
				d := o.GetDefElem()
				if d.GetDefname() == "generated" {
					if defInt(d) == 1 || defString(d) == "1" {
						col.Identity = "a"
					} else {
						col.Identity = "d"
					}
					continue
				}
				b.seqOptionsAlter(col.IdentitySequence, d)
			}
		}
	case pg_query.AlterTableType_AT_SetStatistics:
		if col != nil {
			col.Statistics = int(defIntNode(cmd.Def))
		}
	case pg_query.AlterTableType_AT_SetStorage:
		if col != nil {
			b.setStorage(col, cmd.Def.GetString_().GetSval())
		}
	case pg_query.AlterTableType_AT_SetOptions:
		if col != nil {
			col.Options = schema.SortedSet(append(col.Options, relOptions(cmd.Def.GetList().GetItems())...))
		}
	case pg_query.AlterTableType_AT_SetCompression:
		if col != nil {
			switch strings.ToLower(cmd.Def.GetString_().GetSval()) {
			case "pglz":
				col.Compression = "p"
			case "lz4":
				col.Compression = "l"
			default:
				col.Compression = ""
			}
		}
	case pg_query.AlterTableType_AT_AlterColumnType:
		if col != nil {
			cd := cmd.Def.GetColumnDef()
			var dep string
			col.Type, dep = b.formatType(cd.TypeName)
			if dep != "" {
				col.Deps = schema.SortedSet(append(col.Deps, dep))
			}
			b.gap("alter-column-type")
		}
	case pg_query.AlterTableType_AT_DropColumn:
		for i, c := range t.Columns {
			if c.Name == cmd.Name {
				t.Columns = append(t.Columns[:i], t.Columns[i+1:]...)
				break
			}
		}
	default:
		return false
	}
	return true
}

// alterTableSetting applies an ALTER TABLE subcommand that changes a table
// setting (owner, row-level security, replica identity, storage parameters,
// logging); it reports whether cmd is one of those.
func (b *offline) alterTableSetting(t *schema.Table, cmd *pg_query.AlterTableCmd) bool {
	switch cmd.Subtype {
	case pg_query.AlterTableType_AT_ChangeOwner:
		t.Owner = cmd.Newowner.GetRolename()
	case pg_query.AlterTableType_AT_EnableRowSecurity:
		t.RLSEnabled = true
	case pg_query.AlterTableType_AT_DisableRowSecurity:
		t.RLSEnabled = false
	case pg_query.AlterTableType_AT_ForceRowSecurity:
		t.RLSForced = true
	case pg_query.AlterTableType_AT_NoForceRowSecurity:
		t.RLSForced = false
	case pg_query.AlterTableType_AT_ReplicaIdentity:
		ri := cmd.Def.GetReplicaIdentityStmt()
		t.ReplicaIdentity, t.ReplicaIdentityIndex = ri.GetIdentityType(), ""
		if ri.GetIdentityType() == "i" {
			t.ReplicaIdentityIndex = ri.Name
		}
	case pg_query.AlterTableType_AT_SetRelOptions:
		opts := relOptions(cmd.Def.GetList().GetItems())
		merged := map[string]string{}
		for _, o := range append(append([]string(nil), t.Options...), opts...) {
			k, v, _ := strings.Cut(o, "=")
			merged[k] = v
		}
		t.Options = nil
		for k, v := range merged {
			t.Options = append(t.Options, k+"="+v)
		}
		t.Options = schema.SortedSet(t.Options)
	case pg_query.AlterTableType_AT_ResetRelOptions:
		for _, o := range cmd.Def.GetList().GetItems() {
			d := o.GetDefElem()
			k := d.GetDefname()
			if d.GetDefnamespace() != "" {
				k = d.Defnamespace + "." + k
			}
			var keep []string
			for _, x := range t.Options {
				if !strings.HasPrefix(x, k+"=") {
					keep = append(keep, x)
				}
			}
			t.Options = keep
		}
	case pg_query.AlterTableType_AT_SetLogged:
		t.Unlogged = false
	case pg_query.AlterTableType_AT_SetUnLogged:
		t.Unlogged = true
	default:
		return false
	}
	return true
}

// alterTableMember applies an ALTER TABLE subcommand on a constraint,
// partition, parent, index mark or trigger of the table; it reports whether
// cmd is one of those.
func (b *offline) alterTableMember(t *schema.Table, cmd *pg_query.AlterTableCmd) bool {
	switch cmd.Subtype {
	case pg_query.AlterTableType_AT_AddConstraint:
		c := cmd.Def.GetConstraint()
		b.addConstraint(t, c, "")
	case pg_query.AlterTableType_AT_AttachPartition:
		pc := cmd.Def.GetPartitionCmd()
		child := b.table(pc.Name)
		if child == nil {
			b.gap("unresolved-reference")
			return true
		}
		child.PartitionOf = t.Key()
		child.PartitionBound = b.partBound(pc.Bound)
		child.Deps = append(child.Deps, schema.ID(schema.KindTable, t.Key()))
		b.gap("partition")
	case pg_query.AlterTableType_AT_ClusterOn:
		for _, x := range t.Indexes {
			x.Clustered = x.Name == cmd.Name
		}
	case pg_query.AlterTableType_AT_ValidateConstraint:
		if c := t.Constraint(cmd.Name); c != nil {
			c.Validated = true
			c.Definition = strings.TrimSuffix(c.Definition, " NOT VALID")
		}
	case pg_query.AlterTableType_AT_DropConstraint:
		for i, c := range t.Constraints {
			if c.Name == cmd.Name {
				t.Constraints = append(t.Constraints[:i], t.Constraints[i+1:]...)
				break
			}
		}
	case pg_query.AlterTableType_AT_AddInherit:
		if p := b.table(cmd.Def.GetRangeVar()); p != nil {
			t.Inherits = append(t.Inherits, p.Key())
			t.Deps = append(t.Deps, schema.ID(schema.KindTable, p.Key()))
		}
		b.gap("inheritance")
	case pg_query.AlterTableType_AT_EnableTrig, pg_query.AlterTableType_AT_DisableTrig,
		pg_query.AlterTableType_AT_EnableAlwaysTrig, pg_query.AlterTableType_AT_EnableReplicaTrig:
		state := map[pg_query.AlterTableType]string{
			pg_query.AlterTableType_AT_EnableTrig: "O", pg_query.AlterTableType_AT_DisableTrig: "D",
			pg_query.AlterTableType_AT_EnableAlwaysTrig: "A", pg_query.AlterTableType_AT_EnableReplicaTrig: "R",
		}[cmd.Subtype]
		for _, tg := range t.Triggers {
			if tg.Name == cmd.Name {
				tg.Enabled = state
			}
		}
	default:
		return false
	}
	return true
}
