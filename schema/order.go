package schema

import "sort"

// SortModel puts everything in s that has no semantic order into one
// order: constraints, indexes, triggers and policies by name; dependency
// lists, options, privileges and policy roles sorted and deduplicated;
// unmanaged objects by kind and name. Both loaders (Introspect and the
// offline loader) finish with it, so their models compare equal.
func SortModel(s *Schema) {
	for _, t := range s.Tables {
		sort.Slice(t.Constraints, func(i, j int) bool { return t.Constraints[i].Name < t.Constraints[j].Name })
		sort.Slice(t.Indexes, func(i, j int) bool { return t.Indexes[i].Name < t.Indexes[j].Name })
		sort.Slice(t.Triggers, func(i, j int) bool { return t.Triggers[i].Name < t.Triggers[j].Name })
		sort.Slice(t.Policies, func(i, j int) bool { return t.Policies[i].Name < t.Policies[j].Name })
		t.Deps, t.Options, t.ACL = SortedSet(t.Deps), SortedSet(t.Options), SortedSet(t.ACL)
		for _, c := range t.Columns {
			c.Deps, c.Options, c.ACL = SortedSet(c.Deps), SortedSet(c.Options), SortedSet(c.ACL)
		}
		for _, c := range t.Constraints {
			c.Deps = SortedSet(c.Deps)
		}
		for _, x := range t.Indexes {
			x.Deps = SortedSet(x.Deps)
		}
		for _, x := range t.Triggers {
			x.Deps = SortedSet(x.Deps)
		}
		for _, x := range t.Policies {
			x.Deps, x.Roles = SortedSet(x.Deps), SortedSet(x.Roles)
		}
	}
	for _, v := range s.Views {
		sort.Slice(v.Indexes, func(i, j int) bool { return v.Indexes[i].Name < v.Indexes[j].Name })
		sort.Slice(v.Triggers, func(i, j int) bool { return v.Triggers[i].Name < v.Triggers[j].Name })
		v.Deps, v.Options, v.ACL = SortedSet(v.Deps), SortedSet(v.Options), SortedSet(v.ACL)
		for _, x := range v.Indexes {
			x.Deps = SortedSet(x.Deps)
		}
		for _, x := range v.Triggers {
			x.Deps = SortedSet(x.Deps)
		}
	}
	for _, t := range s.Types {
		sort.Slice(t.Constraints, func(i, j int) bool { return t.Constraints[i].Name < t.Constraints[j].Name })
		t.Deps, t.ACL = SortedSet(t.Deps), SortedSet(t.ACL)
	}
	for _, sq := range s.Sequences {
		sq.Deps, sq.ACL = SortedSet(sq.Deps), SortedSet(sq.ACL)
	}
	for _, f := range s.Functions {
		f.Deps, f.ACL = SortedSet(f.Deps), SortedSet(f.ACL)
	}
	for _, n := range s.Namespaces {
		n.ACL = SortedSet(n.ACL)
	}
	sort.Slice(s.Unmanaged, func(i, j int) bool {
		a, b := s.Unmanaged[i], s.Unmanaged[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
}

// SortedSet sorts and dedupes a string slice, returning nil for an empty one.
func SortedSet(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	j := 0
	for i, v := range out {
		if i > 0 && v == out[j-1] {
			continue
		}
		out[j] = v
		j++
	}
	return out[:j]
}
