package compiler_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// FuzzProperties gives each standard component and trait odd property
// values: definitions must reject them with a message, never crash.
func FuzzProperties(f *testing.F) {
	f.Add(uint8(0), "image", `nginx:1.27`)
	f.Add(uint8(1), "ports", `[{port: 80, expose: true}]`)
	f.Add(uint8(2), "replicas", `-1`)
	f.Add(uint8(3), "env", `{A: "1", B: null}`)
	f.Add(uint8(4), "objects", `[{apiVersion: v1, kind: ConfigMap}]`)
	f.Add(uint8(5), "volumeMounts", `{pvc: [{name: d, mountPath: /d, claimName: c}]}`)
	c, err := compiler.New(compiler.Options{})
	if err != nil {
		f.Fatal(err)
	}
	kinds := []string{"webservice", "worker", "task", "k8s-objects", "scaler", "labels", "annotations", "env", "expose", "sidecar"}
	f.Fuzz(func(t *testing.T, which uint8, key, val string) {
		typ := kinds[int(which)%len(kinds)]
		props := fmt.Sprintf("{image: nginx, %q: %s}", key, val)
		comp := fmt.Sprintf("{name: web, type: %s, properties: %s}", typ, props)
		if int(which)%len(kinds) >= 4 { // a trait, on a webservice
			comp = fmt.Sprintf("{name: web, type: webservice, properties: {image: nginx}, traits: [{type: %s, properties: {%q: %s}}]}", typ, key, val)
		}
		src := "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: shop}\nspec:\n  components: [" + comp + "]\n"
		docs, d := source.Parse("app.yaml", []byte(src))
		if d != nil {
			return
		}
		if _, err := c.CompileDocuments(context.Background(), docs); err != nil {
			var l diag.List
			if !errors.As(err, &l) || len(l) == 0 {
				t.Fatalf("error is not a diagnostic list: %v", err)
			}
			for _, d := range l {
				if strings.Contains(d.Message, "internal error") {
					t.Fatalf("panic in the compiler: %s", d.Error())
				}
			}
		}
	})
}
