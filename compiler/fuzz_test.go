package compiler_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/oamc/oamc/compiler"
	"github.com/oamc/oamc/compiler/diag"
	"github.com/oamc/oamc/compiler/emit"
	"github.com/oamc/oamc/compiler/source"
)

// FuzzCompile feeds arbitrary app files to the whole compiler with the
// standard library: it must never panic, and must either render or say
// why with positioned diagnostics. Seeds are the golden cases' apps.
func FuzzCompile(f *testing.F) {
	f.Add([]byte(app))
	cases, _ := filepath.Glob("../golden/*.txtar")
	for _, c := range cases {
		a, err := txtar.ParseFile(c)
		if err != nil {
			continue
		}
		for _, file := range a.Files {
			if filepath.Ext(file.Name) == ".yaml" && !bytes.Contains(file.Data, []byte("# Source:")) {
				f.Add(file.Data)
			}
		}
	}
	examples, _ := filepath.Glob("../golden/examples/*.yaml")
	for _, e := range examples {
		if b, err := os.ReadFile(e); err == nil {
			f.Add(b)
		}
	}
	c, err := compiler.New(compiler.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, d := source.Parse("app.yaml", data)
		if d != nil {
			return
		}
		results, err := c.CompileDocuments(context.Background(), docs)
		if err != nil {
			var l diag.List
			if !errors.As(err, &l) || len(l) == 0 {
				t.Fatalf("error is not a diagnostic list: %v", err)
			}
			for _, d := range l {
				if d.Message == "" {
					t.Fatalf("empty diagnostic: %#v", d)
				}
			}
			return
		}
		for _, r := range results {
			var b bytes.Buffer
			if err := emit.Write(&b, emit.YAML, r.Objects); err != nil {
				t.Fatalf("rendered objects do not encode: %v", err)
			}
		}
	})
}
