package diff

import "github.com/pgshift/pgshift/schema"

// CreateSchema creates a schema.
type CreateSchema struct{ Schema *schema.Namespace }

// DropSchema drops an empty schema.
type DropSchema struct{ Schema *schema.Namespace }

// CreateExtension installs an extension.
type CreateExtension struct{ Extension *schema.Extension }

// DropExtension removes an extension.
type DropExtension struct{ Extension *schema.Extension }

// AlterExtension moves an extension to another schema or version.
type AlterExtension struct{ From, To *schema.Extension }

// CreateType creates an enum, domain, composite or range type.
type CreateType struct{ Type *schema.Type }

// DropType drops a type.
type DropType struct{ Type *schema.Type }

// AlterType changes a type's body: enum labels, a domain's default, NOT
// NULL and constraints, or a composite type's attributes.
type AlterType struct{ From, To *schema.Type }

// CreateSequence creates a sequence (ownership is set by AlterSequence).
type CreateSequence struct{ Sequence *schema.Sequence }

// DropSequence drops a sequence.
type DropSequence struct{ Sequence *schema.Sequence }

// AlterSequence changes a sequence's options or OWNED BY.
type AlterSequence struct{ From, To *schema.Sequence }

// CreateFunction creates a function, procedure or aggregate.
type CreateFunction struct{ Function *schema.Function }

// DropFunction drops a function, procedure or aggregate.
type DropFunction struct{ Function *schema.Function }

// ReplaceFunction changes a function's definition (same identity).
type ReplaceFunction struct{ From, To *schema.Function }

// CreateTable creates a table with its columns, non-FK constraints,
// indexes, triggers, policies, comments and privileges. Foreign keys are
// separate AddConstraint changes.
type CreateTable struct{ Table *schema.Table }

// DropTable drops a table (its foreign keys are separate DropConstraint changes).
type DropTable struct{ Table *schema.Table }

// RenameTable renames a table the user declared renamed
// (`-- pgshift:renamed-from OLD` on its CREATE TABLE line). From is the
// table before, To the same table under its new name (as
// schema.WithTableRenamed has it); the other changes of the table are
// compared on To. Sequences are the sequences the table owns that the
// target names after the new table (a serial column's), renamed with it:
// old qualified key and new qualified key each.
type RenameTable struct {
	From, To  *schema.Table
	Sequences []SequenceRename
}

// AlterTable changes table-level attributes: persistence, storage
// parameters, row-level security, replica identity, partition bounds and
// inheritance.
type AlterTable struct{ From, To *schema.Table }

// AddColumn adds a column to an existing table.
type AddColumn struct {
	Table  *schema.Table
	Column *schema.Column
}

// DropColumn drops a column and its data.
type DropColumn struct {
	Table  *schema.Table
	Column *schema.Column
}

// RenameColumn renames a column the user declared renamed
// (`-- pgshift:renamed-from OLD` in schema.sql). From and To are the column
// before and after (on PostgreSQL 18 To also carries the NOT NULL
// constraint name of the target, renamed with the column); other changes
// of the column are separate AlterColumn changes on the renamed column.
type RenameColumn struct {
	Table    *schema.Table
	From, To *schema.Column
}

// AlterColumn changes a column's type, collation, default, NOT NULL,
// identity, generation expression, storage or statistics settings.
type AlterColumn struct {
	Table    *schema.Table
	From, To *schema.Column
}

// AddConstraint adds a table constraint.
type AddConstraint struct {
	Table      *schema.Table
	Constraint *schema.Constraint
}

// DropConstraint drops a table constraint.
type DropConstraint struct {
	Table      *schema.Table
	Constraint *schema.Constraint
}

// ValidateConstraint validates a constraint that was added NOT VALID.
type ValidateConstraint struct {
	Table      *schema.Table
	Constraint *schema.Constraint
}

// InvalidateConstraint is the inverse of ValidateConstraint: PostgreSQL has
// no way to mark a constraint NOT VALID again, so it is dropped and re-added
// NOT VALID.
type InvalidateConstraint struct {
	Table      *schema.Table
	Constraint *schema.Constraint // the validated constraint
}

// CreateIndex creates an index.
type CreateIndex struct{ Index *schema.Index }

// DropIndex drops an index.
type DropIndex struct{ Index *schema.Index }

// AlterIndex changes an index's CLUSTER mark.
type AlterIndex struct{ From, To *schema.Index }

// CreateView creates a view or materialized view with its comments,
// privileges, indexes and triggers.
type CreateView struct{ View *schema.View }

// DropView drops a view or materialized view.
type DropView struct{ View *schema.View }

// ReplaceView changes a view's query or options.
type ReplaceView struct{ From, To *schema.View }

// CreateTrigger creates a trigger on the table or view with key Table.
type CreateTrigger struct {
	Table   string
	Trigger *schema.Trigger
}

// DropTrigger drops a trigger.
type DropTrigger struct {
	Table   string
	Trigger *schema.Trigger
}

// AlterTrigger changes whether a trigger fires (ENABLE/DISABLE).
type AlterTrigger struct {
	Table    string
	From, To *schema.Trigger
}

// CreatePolicy creates a row-level security policy.
type CreatePolicy struct {
	Table  string
	Policy *schema.Policy
}

// DropPolicy drops a policy.
type DropPolicy struct {
	Table  string
	Policy *schema.Policy
}

// AlterPolicy changes a policy's roles, USING or WITH CHECK expression.
type AlterPolicy struct {
	Table    string
	From, To *schema.Policy
}

// SetComment changes the comment of the object with ID (schema.ID); ""
// means no comment.
type SetComment struct {
	ID       string
	From, To string
}

// SetPrivileges changes the privileges on the object with ID from one
// normalized ACL to another.
type SetPrivileges struct {
	ID       string
	From, To []string
}

// SetOwner changes the owner of the object with ID (schema.ID: a schema,
// type, sequence, function, table or view) from role From to role To; ""
// is the role that runs the migration (an object the loader created without
// OWNER TO). FromACL and ToACL are the object's normalized ACLs before and
// after: ALTER ... OWNER TO hands the old owner's privileges to the new
// one, so the privilege change goes with the owner change (PostgreSQL
// "ALTER TABLE", OWNER TO; aclnewowner).
type SetOwner struct {
	ID             string
	From, To       string
	FromACL, ToACL []string
}

// Unsupported is a difference pgshift does not migrate; the plan reports it.
type Unsupported struct {
	ID     string
	Reason string
}

// Inverse implementations.

func (c *CreateSchema) Inverse() Change    { return &DropSchema{Schema: c.Schema} }
func (c *DropSchema) Inverse() Change      { return &CreateSchema{Schema: c.Schema} }
func (c *CreateExtension) Inverse() Change { return &DropExtension{Extension: c.Extension} }
func (c *DropExtension) Inverse() Change   { return &CreateExtension{Extension: c.Extension} }
func (c *AlterExtension) Inverse() Change  { return &AlterExtension{From: c.To, To: c.From} }
func (c *CreateType) Inverse() Change      { return &DropType{Type: c.Type} }
func (c *DropType) Inverse() Change        { return &CreateType{Type: c.Type} }
func (c *AlterType) Inverse() Change       { return &AlterType{From: c.To, To: c.From} }
func (c *CreateSequence) Inverse() Change  { return &DropSequence{Sequence: c.Sequence} }
func (c *DropSequence) Inverse() Change    { return &CreateSequence{Sequence: c.Sequence} }
func (c *AlterSequence) Inverse() Change   { return &AlterSequence{From: c.To, To: c.From} }
func (c *CreateFunction) Inverse() Change  { return &DropFunction{Function: c.Function} }
func (c *DropFunction) Inverse() Change    { return &CreateFunction{Function: c.Function} }
func (c *ReplaceFunction) Inverse() Change { return &ReplaceFunction{From: c.To, To: c.From} }
func (c *CreateTable) Inverse() Change     { return &DropTable{Table: c.Table} }
func (c *DropTable) Inverse() Change       { return &CreateTable{Table: c.Table} }
func (c *RenameTable) Inverse() Change {
	seqs := make([]SequenceRename, len(c.Sequences))
	for i, q := range c.Sequences {
		seqs[i] = SequenceRename{From: q.To, To: q.From}
	}
	return &RenameTable{From: c.To, To: c.From, Sequences: seqs}
}
func (c *AlterTable) Inverse() Change { return &AlterTable{From: c.To, To: c.From} }
func (c *AddColumn) Inverse() Change  { return &DropColumn{Table: c.Table, Column: c.Column} }
func (c *DropColumn) Inverse() Change { return &AddColumn{Table: c.Table, Column: c.Column} }
func (c *RenameColumn) Inverse() Change {
	return &RenameColumn{Table: c.Table, From: c.To, To: c.From}
}
func (c *AlterColumn) Inverse() Change { return &AlterColumn{Table: c.Table, From: c.To, To: c.From} }
func (c *AddConstraint) Inverse() Change {
	return &DropConstraint{Table: c.Table, Constraint: c.Constraint}
}
func (c *DropConstraint) Inverse() Change {
	return &AddConstraint{Table: c.Table, Constraint: c.Constraint}
}
func (c *ValidateConstraint) Inverse() Change {
	return &InvalidateConstraint{Table: c.Table, Constraint: c.Constraint}
}
func (c *InvalidateConstraint) Inverse() Change {
	return &ValidateConstraint{Table: c.Table, Constraint: c.Constraint}
}
func (c *CreateIndex) Inverse() Change   { return &DropIndex{Index: c.Index} }
func (c *DropIndex) Inverse() Change     { return &CreateIndex{Index: c.Index} }
func (c *AlterIndex) Inverse() Change    { return &AlterIndex{From: c.To, To: c.From} }
func (c *CreateView) Inverse() Change    { return &DropView{View: c.View} }
func (c *DropView) Inverse() Change      { return &CreateView{View: c.View} }
func (c *ReplaceView) Inverse() Change   { return &ReplaceView{From: c.To, To: c.From} }
func (c *CreateTrigger) Inverse() Change { return &DropTrigger{Table: c.Table, Trigger: c.Trigger} }
func (c *DropTrigger) Inverse() Change   { return &CreateTrigger{Table: c.Table, Trigger: c.Trigger} }
func (c *AlterTrigger) Inverse() Change  { return &AlterTrigger{Table: c.Table, From: c.To, To: c.From} }
func (c *CreatePolicy) Inverse() Change  { return &DropPolicy{Table: c.Table, Policy: c.Policy} }
func (c *DropPolicy) Inverse() Change    { return &CreatePolicy{Table: c.Table, Policy: c.Policy} }
func (c *AlterPolicy) Inverse() Change   { return &AlterPolicy{Table: c.Table, From: c.To, To: c.From} }
func (c *SetComment) Inverse() Change    { return &SetComment{ID: c.ID, From: c.To, To: c.From} }
func (c *SetPrivileges) Inverse() Change { return &SetPrivileges{ID: c.ID, From: c.To, To: c.From} }
func (c *SetOwner) Inverse() Change {
	return &SetOwner{ID: c.ID, From: c.To, To: c.From, FromACL: c.ToACL, ToACL: c.FromACL}
}
func (c *Unsupported) Inverse() Change { return c }
