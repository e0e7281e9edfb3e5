package main

import (
	"strings"
	"testing"
)

func TestVersionCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string // substrings of stdout
	}{
		{"version command", []string{"version"}, []string{"pgshift ", "\ncommit: ", "\ngo: go1.", "\nparser: github.com/pganalyze/pg_query_go/"}},
		{"--version flag", []string{"--version"}, []string{"pgshift "}},
		{"bash completion", []string{"completion", "bash"}, []string{"bash completion", "__start_pgshift"}},
		{"zsh completion", []string{"completion", "zsh"}, []string{"#compdef pgshift"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := pgshift(t, nil, tc.args...)
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr: %s", r.code, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

func TestVersionShort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    buildVersion
		want string
	}{
		{buildVersion{Version: "v1.2.3"}, "v1.2.3"},
		{buildVersion{Version: "(devel)", Commit: "0123456789abcdef0123"}, "(devel) (0123456789ab)"},
		{buildVersion{Version: "(devel)", Commit: "abc", Modified: true}, "(devel) (abc, modified)"},
	}
	for _, tc := range tests {
		if got := tc.v.short(); got != tc.want {
			t.Errorf("%+v.short() = %q, want %q", tc.v, got, tc.want)
		}
	}
}
