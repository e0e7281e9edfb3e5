package config

import (
	"fmt"
	"sort"
	"strings"
)

// FileName is the project file pgshift reads from the working directory.
const FileName = "pgshift.toml"

// Keys are the settings a project file may hold, top level or in an
// [env.NAME] table, with their kinds. Arrays hold strings.
var Keys = map[string]Kind{
	"url":                String, // the database: --url (drift, inspect, baseline), --from (diff)
	"dev_url":            String, // --dev-url
	"schema":             String, // the desired schema file or directory: --to (diff, generate, drift)
	"migrations_dir":     String, // --dir
	"migrations_format":  String, // --format (generate, baseline), --dir-format (drift)
	"migrations_table":   String, // --migrations-table
	"lock_timeout":       String, // --lock-timeout
	"statement_timeout":  String, // --statement-timeout
	"mode":               String, // --mode
	"batch_size":         Integer,
	"pg_version":         Integer,
	"schemas":            Array,  // --schema
	"exclude_schemas":    Array,  // --exclude-schema
	"exclude":            Array,  // --exclude
	"lint_exclude_rules": Array,  // lint --exclude-rule
	"lint_fail_on":       String, // lint --fail-on
}

// Setting is one key's value in the selected environment.
type Setting struct {
	Key   string
	Value Value
}

// Settings returns the settings of doc for the environment env: the top
// level, overridden key by key by [env.<env>] when env is not "". Unknown
// keys and tables, values of the wrong kind and an unknown env are errors
// at their position. The result is sorted by key.
func Settings(doc *Doc, env string) ([]Setting, error) {
	var envs []string
	for _, name := range doc.Order {
		t := doc.Tables[name]
		switch {
		case name == "":
		case strings.HasPrefix(name, "env.") && !strings.Contains(name[4:], "."):
			envs = append(envs, name[4:])
		default:
			return nil, &Error{File: doc.File, Line: t.Line, Col: t.Col, Msg: fmt.Sprintf("unknown table [%s] (want [env.NAME])", name)}
		}
		for _, k := range t.Keys {
			v := t.Values[k]
			want, ok := Keys[k]
			if !ok {
				return nil, &Error{File: doc.File, Line: v.Line, Col: v.Col, Msg: fmt.Sprintf("unknown key %q (known: %s)", k, strings.Join(sortedKeys(), ", "))}
			}
			if v.Kind != want {
				return nil, &Error{File: doc.File, Line: v.Line, Col: v.Col, Msg: fmt.Sprintf("%s: want %s, not %s", k, article(want), article(v.Kind))}
			}
			if v.Kind == Array {
				for _, e := range v.List {
					if e.Kind != String {
						return nil, &Error{File: doc.File, Line: e.Line, Col: e.Col, Msg: fmt.Sprintf("%s: want an array of strings", k)}
					}
				}
			}
		}
	}
	vals := map[string]Value{}
	for k, v := range doc.Tables[""].Values {
		vals[k] = v
	}
	if env != "" {
		t := doc.Tables["env."+env]
		if t == nil {
			known := "none"
			if len(envs) > 0 {
				known = strings.Join(envs, ", ")
			}
			return nil, fmt.Errorf("--env %s: %s has no [env.%s] table (environments: %s)", env, doc.File, env, known)
		}
		for k, v := range t.Values {
			vals[k] = v
		}
	}
	out := make([]Setting, 0, len(vals))
	for k, v := range vals {
		out = append(out, Setting{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func article(k Kind) string {
	if k == Integer || k == Array {
		return "an " + k.String()
	}
	return "a " + k.String()
}

func sortedKeys() []string {
	ks := make([]string, 0, len(Keys))
	for k := range Keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
