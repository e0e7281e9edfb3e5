package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/internal/config"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/source"
)

// configFlags are --config and --env (every command).
type configFlags struct {
	file, env string
}

func (c *configFlags) register(root *cobra.Command) {
	root.PersistentFlags().StringVar(&c.file, "config", "", "project file (default: "+config.FileName+" in the working directory, when there is one)")
	root.PersistentFlags().StringVar(&c.env, "env", "", "use the [env.`NAME`] table of the project file over its top level")
}

// configFlagNames maps a project file key to the flag it sets, per command
// ("*": every command that has a flag of that name).
var configFlagNames = map[string]map[string]string{
	"url":                {"drift": "url", "inspect": "url", "baseline": "url", "diff": "from"},
	"dev_url":            {"*": "dev-url"},
	"schema":             {"diff": "to", "generate": "to", "drift": "to"},
	"migrations_dir":     {"generate": "dir", "drift": "dir", "hash": "dir", "baseline": "dir"},
	"migrations_format":  {"generate": "format", "baseline": "format", "drift": "dir-format"},
	"migrations_table":   {"drift": "migrations-table", "baseline": "migrations-table"},
	"lock_timeout":       {"*": "lock-timeout"},
	"statement_timeout":  {"*": "statement-timeout"},
	"mode":               {"*": "mode"},
	"batch_size":         {"*": "batch-size"},
	"pg_version":         {"*": "pg-version"},
	"schemas":            {"*": "schema"},
	"exclude_schemas":    {"*": "exclude-schema"},
	"exclude":            {"*": "exclude"},
	"lint_exclude_rules": {"lint": "exclude-rule"},
	"lint_fail_on":       {"lint": "fail-on"},
}

// configPathKeys hold paths, taken relative to the project file's directory.
var configPathKeys = map[string]bool{"schema": true, "migrations_dir": true}

// applyConfig reads the project file (--config, else pgshift.toml in the
// working directory when it exists) and sets, for cmd, every flag the
// command line did not set from the selected environment. String values
// may name environment variables as ${NAME}; a value that expands to ""
// sets nothing.
func applyConfig(cmd *cobra.Command, e env, c configFlags) error {
	path := c.file
	if path == "" {
		if _, err := os.Stat(config.FileName); err != nil {
			if c.env != "" {
				return fmt.Errorf("--env %s: no project file (%s in the working directory, or --config FILE)", c.env, config.FileName)
			}
			return nil
		}
		path = config.FileName
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--config: %w", err)
	}
	doc, err := config.Parse(path, src)
	if err != nil {
		return err
	}
	settings, err := config.Settings(doc, c.env)
	if err != nil {
		return err
	}
	for _, s := range settings {
		names := configFlagNames[s.Key]
		name := names[cmd.Name()]
		if name == "" {
			name = names["*"]
		}
		fl := cmd.Flags().Lookup(name)
		if name == "" || fl == nil || fl.Changed {
			continue
		}
		var vals []string
		switch s.Value.Kind {
		case config.Array:
			for _, v := range s.Value.List {
				vals = append(vals, v.Str)
			}
		case config.Integer:
			vals = []string{strconv.FormatInt(s.Value.Int, 10)}
		case config.Bool:
			vals = []string{strconv.FormatBool(s.Value.Bool)}
		default:
			vals = []string{s.Value.Str}
		}
		for _, v := range vals {
			v = expandVars(v, e.getenv)
			if v == "" {
				continue
			}
			if configPathKeys[s.Key] && !filepath.IsAbs(v) && !schema.IsURL(v) && !source.IsGit(v) {
				v = filepath.Join(filepath.Dir(path), v)
			}
			if err := cmd.Flags().Set(name, v); err != nil {
				var ce *config.Error
				if errors.As(err, &ce) {
					return err
				}
				return &config.Error{File: path, Line: s.Value.Line, Col: s.Value.Col, Msg: fmt.Sprintf("%s: %v", s.Key, strings.TrimSpace(err.Error()))}
			}
		}
	}
	return nil
}

// expandVars replaces every ${NAME} in s by getenv(NAME); a lone $ stays.
func expandVars(s string, getenv func(string) string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return b.String() + s
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i])
		b.WriteString(getenv(s[i+2 : i+j]))
		s = s[i+j+1:]
	}
}
