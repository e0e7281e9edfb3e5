package schema

import (
	"context"
	"sort"

	"github.com/jackc/pgx/v5"
)

// readPartitionIndexes fills Table.PartitionIndexes: for every partition,
// the indexes attached to an index of its parent (pg_inherits rows whose
// child is an index). It runs after readIndexes, which gives every index on
// a modeled table its key.
func (in *introspector) readPartitionIndexes(ctx context.Context) error {
	err := in.query(ctx, `
SELECT ih.inhrelid, ih.inhparent, i.indrelid, ic.relname
FROM pg_inherits ih
JOIN pg_index i ON i.indexrelid = ih.inhrelid
JOIN pg_class ic ON ic.oid = ih.inhrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE `+userNamespace,
		func(r pgx.Rows) error {
			var child, parent, rel uint32
			var name string
			if err := r.Scan(&child, &parent, &rel, &name); err != nil {
				return err
			}
			t := in.tables[rel]
			pi := in.rels[parent]
			if t == nil || pi == nil || t.PartitionOf == "" {
				return nil
			}
			t.PartitionIndexes = append(t.PartitionIndexes, &PartitionIndex{Name: name, Parent: pi.key})
			return nil
		})
	if err != nil {
		return err
	}
	for _, t := range in.tables {
		sort.Slice(t.PartitionIndexes, func(i, j int) bool { return t.PartitionIndexes[i].Parent < t.PartitionIndexes[j].Parent })
	}
	return nil
}
