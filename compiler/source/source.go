// Package source reads application files (YAML or JSON, one or many
// documents, files, folders or stdin) into CUE syntax that keeps the
// file:line:col of every value.
package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/encoding/json"
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
	if onlyComments(data) {
		return nil, diag.Errorf(diag.Pos{File: name}, "file holds no documents: expected an Application")
	}
	var exprs []ast.Expr
	if strings.HasSuffix(name, ".json") {
		// JSON's own decoder: JSON error messages, at the right place.
		x, err := json.Extract(name, data)
		if err != nil {
			return nil, jsonError(name, err)
		}
		exprs = []ast.Expr{x}
	} else {
		// Lone CRs end lines too (as editors show them); the decoder would
		// miscount them.
		data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
		f, err := extractYAML(name, data)
		if err != nil {
			return nil, syntaxError(name, data, err)
		}
		exprs = documents(f)
	}
	docs := make([]Document, 0, len(exprs))
	for i, x := range exprs {
		docs = append(docs, Document{File: name, Index: i, Expr: x})
	}
	if len(docs) == 0 {
		return nil, diag.Errorf(diag.Pos{File: name}, "file holds no documents: expected an Application")
	}
	return docs, nil
}

// onlyComments reports a file with no content but blank lines, comments
// and document markers.
func onlyComments(data []byte) bool {
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") && l != "---" && l != "..." {
			return false
		}
	}
	return true
}

// extractYAML runs CUE's YAML decoder, turning a panic inside it (seen on
// odd input by fuzzing) into an error, so a bad file never crashes oamc.
func extractYAML(name string, data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%s: the YAML decoder failed on this input: %v", name, r)
		}
	}()
	return yaml.Extract(name, data)
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

func jsonError(name string, err error) *diag.Diagnostic {
	p := diag.Pos{File: name}
	if errs := errors.Errors(err); len(errs) > 0 {
		if q := diag.FromToken(errs[0].Position()); q.IsValid() {
			p = q
		}
	}
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, "invalid JSON for file \""+name+"\": "); ok {
		msg = after
	}
	return diag.Errorf(p, "invalid JSON: %s", msg)
}

// yamlErr matches the "file:" and "line:" the YAML decoder puts in front
// of its messages; the line is left out when it would be 0.
var yamlErr = regexp.MustCompile(`^(.*?):(?:(\d+):)? ?(.*)$`)

// syntaxError turns a YAML decoder error into one positioned message.
//
// The decoder (go.yaml.in/yaml/v3) counts lines from 0 for parser errors
// ("did not find expected ...") and from 1 for scanner errors, and gives no
// column; for an unclosed flow collection the line is where it opened, so
// the bracket itself is found on that line.
func syntaxError(name string, data []byte, err error) *diag.Diagnostic {
	msg := err.Error()
	if errs := errors.Errors(err); len(errs) > 0 {
		if p := diag.FromToken(errs[0].Position()); p.IsValid() && p.Line > 0 {
			return diag.Errorf(p, "invalid YAML: %s", strings.TrimPrefix(errs[0].Error(), name+": "))
		}
		msg = errs[0].Error()
	}
	m := yamlErr.FindStringSubmatch(msg)
	if m == nil || m[1] != name {
		return diag.Errorf(diag.Pos{File: name}, "invalid YAML: %s", msg)
	}
	line, _ := strconv.Atoi(m[2]) // 0 when absent
	msg = m[3]
	lines := strings.Split(string(data), "\n")
	if strings.HasPrefix(msg, "did not find expected") || line == 0 {
		line++ // counted from 0
	}
	line = min(max(line, 1), len(lines))
	for line > 1 && strings.TrimSpace(lines[line-1]) == "" {
		line-- // past the end: the last line with text
	}
	col := 1
	if open := unclosedFlow(msg); open != 0 {
		// When the bracket is on the first line the decoder gives the line
		// of the problem instead: look back for it.
		for l := line; l >= 1; l-- {
			if c := unclosed(lines[l-1], open); c > 0 {
				line, col = l, c
				break
			}
		}
	}
	return diag.Errorf(diag.Pos{File: name, Line: line, Col: col}, "invalid YAML: %s", msg)
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

// unclosed returns the column (from 1) of the innermost bracket of kind
// open that the line leaves unclosed, or 0. Quoted text is skipped.
func unclosed(line string, open byte) int {
	type bracket struct {
		c   byte
		col int
	}
	var stack []bracket
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || line[i-1] == ' '):
			i = len(line) // a comment
		case c == '[' || c == '{':
			stack = append(stack, bracket{c, i + 1})
		case (c == ']' || c == '}') && len(stack) > 0:
			// A closer of the wrong kind leaves the opener unclosed.
			if top := stack[len(stack)-1]; (c == ']') == (top.c == '[') {
				stack = stack[:len(stack)-1]
			}
		}
	}
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].c == open {
			return stack[i].col
		}
	}
	return 0
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
