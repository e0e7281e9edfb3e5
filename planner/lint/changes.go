package lint

// ChangeLint says which rules flag the SQL the planner writes for a change
// of a diff.Change type, or why none does. Every diff.Change type has an
// entry (TestChangeCompleteness), so a new change type cannot go unlinted
// by default.
type ChangeLint struct {
	Rules []RuleID
	// Why explains an entry without rules.
	Why string
}

// ChangeRules maps each diff.Change type name to its lint rules.
var ChangeRules = map[string]ChangeLint{
	"CreateSchema":         {Why: "takes no table lock"},
	"DropSchema":           {Why: "drops only an empty schema (no CASCADE is planned)"},
	"CreateExtension":      {Why: "takes no table lock"},
	"DropExtension":        {Why: "planned without CASCADE: fails while anything depends on it"},
	"AlterExtension":       {Why: "takes no table lock"},
	"CreateType":           {Why: "a new type: nothing uses it yet"},
	"DropType":             {Why: "fails while a column uses it"},
	"AlterType":            {Rules: []RuleID{RuleEnumAddValueInTransaction, RuleChangingColumnType}},
	"CreateSequence":       {Why: "a new sequence"},
	"DropSequence":         {Rules: []RuleID{RuleBanDropSequence}},
	"AlterSequence":        {Rules: []RuleID{RuleRequireLockTimeout}},
	"CreateFunction":       {Rules: []RuleID{RuleUntrackedDependencies}},
	"DropFunction":         {Why: "fails while a view, default or trigger depends on it"},
	"ReplaceFunction":      {Rules: []RuleID{RuleUntrackedDependencies}},
	"CreateTable":          {Rules: []RuleID{RuleAddForeignKey}},
	"DropTable":            {Rules: []RuleID{RuleBanDropTable}},
	"AlterTable":           {Rules: []RuleID{RuleAlterTableSetLogged, RuleAuthzChange, RuleReplication, RuleRequireLockTimeout}},
	"AddColumn":            {Rules: []RuleID{RuleAddColumnVolatileDefault, RuleAddColumnDefault, RuleAddColumnStableDefault, RuleAddColumnGeneratedStored, RuleAddingNotNullField}},
	"DropColumn":           {Rules: []RuleID{RuleBanDropColumn}},
	"RenameColumn":         {Rules: []RuleID{RuleRenameColumn}},
	"RenameTable":          {Rules: []RuleID{RuleRenameTable}},
	"AlterColumn":          {Rules: []RuleID{RuleChangingColumnType, RuleSetNotNull, RuleDropNotNull}},
	"AddConstraint":        {Rules: []RuleID{RuleConstraintMissingNotValid, RuleAddForeignKey, RuleAddUniqueConstraint, RuleAddPrimaryKey, RuleAddExclusionConstraint}},
	"DropConstraint":       {Rules: []RuleID{RuleRequireLockTimeout}},
	"ValidateConstraint":   {Rules: []RuleID{RuleValidateInSameTransaction}},
	"InvalidateConstraint": {Rules: []RuleID{RuleRequireLockTimeout}},
	"CreateIndex":          {Rules: []RuleID{RuleRequireConcurrentIndex, RuleIndexBuild, RuleConcurrentlyInTransaction, RuleCreateIndexOnPartitionedTable}},
	"DropIndex":            {Rules: []RuleID{RuleRequireConcurrentIndexDrop, RuleConcurrentlyInTransaction}},
	"AlterIndex":           {Why: "CLUSTER ON / SET WITHOUT CLUSTER take SHARE UPDATE EXCLUSIVE: reads and writes go on"},
	"CreateView":           {Why: "a new relation"},
	"DropView":             {Rules: []RuleID{RuleRequireLockTimeout}},
	"ReplaceView":          {Rules: []RuleID{RuleRequireLockTimeout}},
	"CreateTrigger":        {Rules: []RuleID{RuleRequireLockTimeout}},
	"DropTrigger":          {Rules: []RuleID{RuleRequireLockTimeout}},
	"AlterTrigger":         {Rules: []RuleID{RuleRequireLockTimeout}},
	"CreatePolicy":         {Rules: []RuleID{RuleAuthzChange}},
	"DropPolicy":           {Rules: []RuleID{RuleAuthzChange}},
	"AlterPolicy":          {Rules: []RuleID{RuleAuthzChange}},
	"SetComment":           {Why: "COMMENT takes SHARE UPDATE EXCLUSIVE at most: reads and writes go on"},
	"SetPrivileges":        {Rules: []RuleID{RuleAuthzChange}},
	"SetOwner":             {Rules: []RuleID{RuleRequireLockTimeout}},
	"Unsupported":          {Why: "never planned: the planner turns it into a plan note"},
}
