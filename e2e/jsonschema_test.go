package e2e

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The subset of JSON Schema (draft 2020-12) that emit/jsonschema uses:
// type (one or a list), properties, required, additionalProperties
// (false or a schema), items, enum, const, minimum, pattern, $ref to
// "#/$defs/NAME", and $defs. A keyword outside the subset is an error,
// so a schema cannot silently stop being checked.
var jsonSchemaKeywords = map[string]bool{
	"$schema": true, "$id": true, "$defs": true, "$ref": true, "title": true, "description": true,
	"type": true, "properties": true, "required": true, "additionalProperties": true, "items": true,
	"enum": true, "const": true, "minimum": true, "pattern": true,
}

type jsonSchemaValidator struct {
	root map[string]any
	errs []string
}

// validateJSON checks doc against the schema file at path and returns the
// violations, each as "<JSON pointer>: problem".
func validateJSON(t *testing.T, path string, doc []byte) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, doc)
	}
	val := &jsonSchemaValidator{root: root}
	val.check(root, v, "")
	return val.errs
}

func (val *jsonSchemaValidator) fail(ptr, format string, args ...any) {
	if ptr == "" {
		ptr = "/"
	}
	val.errs = append(val.errs, ptr+": "+fmt.Sprintf(format, args...))
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

func (val *jsonSchemaValidator) check(s map[string]any, v any, ptr string) {
	for k := range s {
		if !jsonSchemaKeywords[k] {
			val.fail(ptr, "schema keyword %q is not supported by the test validator", k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/$defs/")
		defs, _ := val.root["$defs"].(map[string]any)
		def, ok := defs[name].(map[string]any)
		if !found || !ok {
			val.fail(ptr, "unresolvable $ref %q", ref)
			return
		}
		val.check(def, v, ptr)
	}
	if t, ok := s["type"]; ok {
		got := jsonType(v)
		var allowed []string
		switch tt := t.(type) {
		case string:
			allowed = []string{tt}
		case []any:
			for _, x := range tt {
				allowed = append(allowed, x.(string))
			}
		}
		okType := false
		for _, a := range allowed {
			if a == got || a == "number" && got == "integer" {
				okType = true
			}
		}
		if !okType {
			val.fail(ptr, "type %s, want %s", got, strings.Join(allowed, " or "))
			return
		}
	}
	if c, ok := s["const"]; ok && fmt.Sprint(c) != fmt.Sprint(v) {
		val.fail(ptr, "%v, want %v", v, c)
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, x := range e {
			if fmt.Sprint(x) == fmt.Sprint(v) {
				found = true
			}
		}
		if !found {
			val.fail(ptr, "%v is not one of %v", v, e)
		}
	}
	if m, ok := s["minimum"].(float64); ok {
		if n, isNum := v.(float64); isNum && n < m {
			val.fail(ptr, "%v below minimum %v", n, m)
		}
	}
	if p, ok := s["pattern"].(string); ok {
		if str, isStr := v.(string); isStr && !regexp.MustCompile(p).MatchString(str) {
			val.fail(ptr, "%q does not match %s", str, p)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := x[r.(string)]; !ok {
					val.fail(ptr, "required property %q missing", r)
				}
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				val.check(ps, x[k], ptr+"/"+k)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					val.fail(ptr, "property %q is not in the schema", k)
				}
			case map[string]any:
				val.check(ap, x[k], ptr+"/"+k)
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				val.check(items, e, fmt.Sprintf("%s/%d", ptr, i))
			}
		}
	}
}

// TestJSONSchemaValidator shows the validator rejects what it must (so the
// report tests using it can fail).
func TestJSONSchemaValidator(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	schemaPath := filepath.Join(dir, "s.json")
	src := `{"$defs":{"n":{"type":"integer","minimum":1}},"type":"object","required":["version","items"],
	"additionalProperties":false,"properties":{"version":{"const":1},"kind":{"enum":["a","b"]},
	"items":{"type":"array","items":{"$ref":"#/$defs/n"}},"name":{"type":["string","null"],"pattern":"^[a-z]+$"}}}`
	if err := os.WriteFile(schemaPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		doc  string
		errs int
	}{
		{`{"version":1,"items":[1,2],"kind":"a","name":"abc"}`, 0},
		{`{"version":1,"items":[],"name":null}`, 0},
		{`{"version":2,"items":[1]}`, 1},
		{`{"items":[1]}`, 1},
		{`{"version":1,"items":[0,1.5,"x"]}`, 3},
		{`{"version":1,"items":[],"kind":"c"}`, 1},
		{`{"version":1,"items":[],"extra":true}`, 1},
		{`{"version":1,"items":[],"name":"ABC"}`, 1},
		{`[]`, 1},
	}
	for _, tc := range tests {
		if errs := validateJSON(t, schemaPath, []byte(tc.doc)); len(errs) != tc.errs {
			t.Errorf("%s: %d violations %v, want %d", tc.doc, len(errs), errs, tc.errs)
		}
	}
}
