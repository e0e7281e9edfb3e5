package offline

import (
	"strconv"
	"unicode/utf8"
)

// nameDataLen is NAMEDATALEN: identifiers are at most nameDataLen-1 bytes.
const nameDataLen = 64

// makeObjectName builds "name1_name2_label" the way PostgreSQL's
// makeObjectName does: name1 and name2 are shortened (the longer one first)
// so the result fits in NAMEDATALEN-1 bytes; label is never shortened.
func makeObjectName(name1, name2, label string) string {
	n1, n2 := len(name1), len(name2)
	overhead := 0
	if name2 != "" {
		overhead++
	}
	if label != "" {
		overhead += len(label) + 1
	}
	avail := nameDataLen - 1 - overhead
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	out := clip(name1, n1)
	if name2 != "" {
		out += "_" + clip(name2, n2)
	}
	if label != "" {
		out += "_" + label
	}
	return out
}

// clip cuts s to at most n bytes without splitting a UTF-8 character (pg_mbcliplen).
func clip(s string, n int) string {
	if n >= len(s) {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// truncateIdent cuts an identifier to NAMEDATALEN-1 bytes, as the parser does.
func truncateIdent(s string) string { return clip(s, nameDataLen-1) }

// chooseRelationName is ChooseRelationName: name1_name2_label, with a
// number appended to the label until no relation (and, for constraints, no
// constraint) of the schema has that name.
func (b *offline) chooseRelationName(nsp, name1, name2, label string, isConstraint bool) string {
	for pass := 0; ; pass++ {
		l := label
		if pass > 0 {
			l = label + strconv.Itoa(pass)
		}
		name := makeObjectName(name1, name2, l)
		if b.relExists(nsp, name) {
			continue
		}
		if isConstraint && b.conNames[nsp][name] {
			continue
		}
		return name
	}
}

// chooseConstraintName is ChooseConstraintName: like chooseRelationName,
// checked against the constraint names of the schema only.
func (b *offline) chooseConstraintName(nsp, name1, name2, label string) string {
	for pass := 0; ; pass++ {
		l := label
		if pass > 0 {
			l = label + strconv.Itoa(pass)
		}
		name := makeObjectName(name1, name2, l)
		if !b.conNames[nsp][name] {
			return name
		}
	}
}

// nameAddition joins column names with "_" the way ChooseIndexNameAddition
// and ChooseForeignKeyConstraintNameAddition do (stopping once the result
// reaches NAMEDATALEN bytes).
func nameAddition(cols []string) string {
	buf := ""
	for _, c := range cols {
		if buf != "" {
			buf += "_"
		}
		buf += clip(c, nameDataLen-1)
		if len(buf) >= nameDataLen {
			break
		}
	}
	return buf
}

// indexColumnNames is ChooseIndexColumnNames: a name per index column
// ("expr" for expressions), made unique by appending numbers.
func indexColumnNames(names []string) []string {
	var out []string
	for _, orig := range names {
		cur := orig
		for i := 1; ; i++ {
			dup := false
			for _, o := range out {
				if o == cur {
					dup = true
					break
				}
			}
			if !dup {
				break
			}
			suffix := strconv.Itoa(i)
			cur = clip(orig, nameDataLen-1-len(suffix)) + suffix
		}
		out = append(out, cur)
	}
	return out
}
