// Package source reads application files (YAML or JSON, one or many
// documents, files, folders or stdin) into CUE syntax that keeps the
// file:line:col of every value.
package source

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/encoding/yaml"

	"github.com/oamc/oamc/compiler/diag"
)

// Stdin is the name under which standard input is read and reported.
const Stdin = "<stdin>"

// Document is one YAML document of an input file.
type Document struct {
	File  string   // the file's name as the user gave it
	Index int      // position of the document in its file, from 0
	Expr  ast.Expr // the document, with positions
}

// Extensions are the file endings read from a folder.
var extensions = []string{".yaml", ".yml", ".json"}

// Read reads every input. A folder stands for its *.yaml, *.yml and *.json
// files in name order; "-" reads stdin. Read returns a diag.List naming each
// unreadable or malformed file.
func Read(ctx context.Context, inputs []string, stdin io.Reader) ([]Document, error) {
	var docs []Document
	var errs diag.List
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		files, err := expand(in)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, f := range files {
			d, err := readFile(f, stdin)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			docs = append(docs, d...)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return docs, nil
}

// expand turns one input into the files it names.
func expand(in string) ([]string, *diag.Diagnostic) {
	if in == "-" {
		return []string{in}, nil
	}
	st, err := os.Stat(in)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: in}, "cannot read input: %s", describe(err))
	}
	if !st.IsDir() {
		return []string{in}, nil
	}
	entries, err := os.ReadDir(in)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: in}, "cannot read folder: %s", describe(err))
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() || !hasExt(e.Name()) {
			continue
		}
		files = append(files, filepath.Join(in, e.Name()))
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, diag.Errorf(diag.Pos{File: in}, "folder holds no application files (expected *.yaml, *.yml or *.json)")
	}
	return files, nil
}

func hasExt(name string) bool {
	for _, ext := range extensions {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

func readFile(name string, stdin io.Reader) ([]Document, *diag.Diagnostic) {
	var data []byte
	var err error
	if name == "-" {
		name = Stdin
		if stdin == nil {
			return nil, diag.Errorf(diag.Pos{File: name}, "no standard input")
		}
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: name}, "cannot read input: %s", describe(err))
	}
	return Parse(name, data)
}

// Parse splits YAML or JSON data into its documents.
func Parse(name string, data []byte) ([]Document, *diag.Diagnostic) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, diag.Errorf(diag.Pos{File: name}, "file is empty: expected an Application (apiVersion: core.oam.dev/v1beta1, kind: Application)")
	}
	f, err := yaml.Extract(name, data)
	if err != nil {
		return nil, syntaxError(name, data, err)
	}
	exprs := documents(f)
	docs := make([]Document, 0, len(exprs))
	for i, x := range exprs {
		docs = append(docs, Document{File: name, Index: i, Expr: x})
	}
	if len(docs) == 0 {
		return nil, diag.Errorf(diag.Pos{File: name}, "file holds no documents: expected an Application")
	}
	return docs, nil
}

// documents undoes yaml.Extract's folding: one document becomes the file's
// declarations, several become a list literal without brackets.
func documents(f *ast.File) []ast.Expr {
	if len(f.Decls) == 1 {
		if e, ok := f.Decls[0].(*ast.EmbedDecl); ok {
			if l, ok := e.Expr.(*ast.ListLit); ok && !l.Lbrack.IsValid() {
				var out []ast.Expr
				for _, x := range l.Elts {
					if !isNull(x) {
						out = append(out, x)
					}
				}
				return out
			}
			if isNull(e.Expr) {
				return nil
			}
			return []ast.Expr{e.Expr}
		}
	}
	if len(f.Decls) == 0 {
		return nil
	}
	return []ast.Expr{&ast.StructLit{Elts: f.Decls}}
}

// isNull reports an empty document ("---" followed by nothing).
func isNull(x ast.Expr) bool {
	b, ok := x.(*ast.BasicLit)
	return ok && b.Value == "null"
}

// yamlErr matches the "file:line:" or "file:line:col:" the YAML decoder
// puts in front of its messages.
var yamlErr = regexp.MustCompile(`^(.*?):(\d+)(?::(\d+))?: (.*)$`)

func syntaxError(name string, data []byte, err error) *diag.Diagnostic {
	p := diag.Pos{File: name}
	msg := err.Error()
	if errs := errors.Errors(err); len(errs) > 0 {
		if q := diag.FromToken(errs[0].Position()); q.IsValid() {
			p = q
		}
		msg = errs[0].Error()
	}
	if m := yamlErr.FindStringSubmatch(msg); m != nil && m[1] == name {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		msg = m[4]
		if !p.IsValid() || p.Line == 0 {
			p = diag.Pos{File: name, Line: line, Col: max(col, 1)}
			if open := unclosedFlow(msg); open != 0 {
				p = flowStart(data, line, open, p)
			}
		}
	}
	return diag.Errorf(p, "invalid YAML: %s", msg)
}

// unclosedFlow returns the bracket a "did not find expected ',' or ']'"
// error is about, or 0.
func unclosedFlow(msg string) byte {
	switch {
	case strings.HasSuffix(msg, "',' or ']'"):
		return '['
	case strings.HasSuffix(msg, "',' or '}'"):
		return '{'
	}
	return 0
}

// flowStart points at the unclosed bracket. For these errors the YAML
// parser reports the bracket's line counted from 0; the column is that of
// the line's last such bracket.
func flowStart(data []byte, line int, open byte, fallback diag.Pos) diag.Pos {
	lines := strings.Split(string(data), "\n")
	if line < 0 || line >= len(lines) {
		return fallback
	}
	i := strings.LastIndexByte(lines[line], open)
	if i < 0 {
		return fallback
	}
	return diag.Pos{File: fallback.File, Line: line + 1, Col: i + 1}
}

// describe shortens an os error to its cause, since the file name is
// already in the position.
func describe(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
