package source

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oamc/oamc/compiler/diag"
)

// decode evaluates a document to Go data, for comparing contents.
func decode(t *testing.T, d Document) any {
	t.Helper()
	v := cuecontext.New().BuildExpr(d.Expr, cue.Filename(d.File))
	require.NoError(t, v.Err())
	var x any
	require.NoError(t, v.Decode(&x))
	return x
}

// line is the 1-based line where a document starts.
func line(d Document) int { return d.Expr.Pos().Line() }

func TestParseDocuments(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		want  []any
		lines []int
	}{
		{
			name:  "one document",
			src:   "a: 1\nb: x\n",
			want:  []any{map[string]any{"a": 1, "b": "x"}},
			lines: []int{1},
		},
		{
			name:  "several documents",
			src:   "a: 1\n---\nb: 2\n---\nc: 3\n",
			want:  []any{map[string]any{"a": 1}, map[string]any{"b": 2}, map[string]any{"c": 3}},
			lines: []int{1, 3, 5},
		},
		{
			name:  "leading separator",
			src:   "---\na: 1\n",
			want:  []any{map[string]any{"a": 1}},
			lines: []int{2},
		},
		{
			name:  "trailing separator",
			src:   "a: 1\n---\n",
			want:  []any{map[string]any{"a": 1}},
			lines: []int{1},
		},
		{
			name:  "empty documents between separators are dropped",
			src:   "---\na: 1\n---\n---\nb: 2\n---\n",
			want:  []any{map[string]any{"a": 1}, map[string]any{"b": 2}},
			lines: []int{2, 5},
		},
		{
			name:  "a comment-only document between separators is dropped",
			src:   "a: 1\n---\n# nothing here\n---\nb: 2\n",
			want:  []any{map[string]any{"a": 1}, map[string]any{"b": 2}},
			lines: []int{1, 5},
		},
		{
			name:  "an explicit null document is dropped",
			src:   "a: 1\n---\nnull\n---\nb: 2\n",
			want:  []any{map[string]any{"a": 1}, map[string]any{"b": 2}},
			lines: []int{1, 5},
		},
		{
			name:  "document end marker",
			src:   "a: 1\n...\n",
			want:  []any{map[string]any{"a": 1}},
			lines: []int{1},
		},
		{
			name:  "JSON in a .yaml file (YAML is a superset)",
			src:   `{"apiVersion": "core.oam.dev/v1beta1", "kind": "Application", "spec": {"components": [{"name": "web"}]}}`,
			want:  []any{map[string]any{"apiVersion": "core.oam.dev/v1beta1", "kind": "Application", "spec": map[string]any{"components": []any{map[string]any{"name": "web"}}}}},
			lines: []int{1},
		},
		{
			name:  "multi-line JSON in a .yaml file",
			src:   "{\n  \"a\": [1, 2],\n  \"b\": {\"c\": true}\n}\n",
			want:  []any{map[string]any{"a": []any{1, 2}, "b": map[string]any{"c": true}}},
			lines: []int{2}, // a mapping starts at its first key
		},
		{
			name:  "a list document stays one document",
			src:   "- a\n- b\n",
			want:  []any{[]any{"a", "b"}},
			lines: []int{1},
		},
		{
			name:  "list documents in a stream",
			src:   "---\n- a\n---\n- b\n",
			want:  []any{[]any{"a"}, []any{"b"}},
			lines: []int{2, 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, d := Parse("app.yaml", []byte(tt.src))
			require.Nil(t, d)
			require.Len(t, docs, len(tt.want))
			for i, doc := range docs {
				assert.Equal(t, "app.yaml", doc.File)
				assert.Equal(t, tt.want[i], normalize(decode(t, doc)), "document %d", i)
				assert.Equal(t, tt.lines[i], line(doc), "document %d starts at its own line", i)
			}
		})
	}
}

// normalize turns the float64s and int64s Decode gives into ints, for
// comparing with literals.
func normalize(x any) any {
	switch x := x.(type) {
	case map[string]any:
		for k, v := range x {
			x[k] = normalize(v)
		}
		return x
	case []any:
		for i, v := range x {
			x[i] = normalize(v)
		}
		return x
	case float64:
		if x == float64(int(x)) {
			return int(x)
		}
	case int64:
		return int(x)
	}
	return x
}

func TestParseIndexes(t *testing.T) {
	docs, d := Parse("app.yaml", []byte("a: 1\n---\nb: 2\n---\nc: 3\n"))
	require.Nil(t, d)
	require.Len(t, docs, 3)
	for i, doc := range docs {
		assert.Equal(t, i, doc.Index)
	}
}

func TestParseKeepsPositions(t *testing.T) {
	src := "a: 1\n---\nkind: Application\nspec:\n  components:\n    - name: web\n      type: webservice\n"
	docs, d := Parse("app.yaml", []byte(src))
	require.Nil(t, d)
	require.Len(t, docs, 2)
	v := cuecontext.New().BuildExpr(docs[1].Expr, cue.Filename("app.yaml"))
	typ := v.LookupPath(cue.ParsePath("spec.components[0].type"))
	require.True(t, typ.Exists())
	assert.Equal(t, diag.Pos{File: "app.yaml", Line: 7, Col: 7}, diag.FromToken(typ.Pos()), "positions count from the start of the file, not of the document")
}

func TestParseEmpty(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty file", "", "app.yaml: file is empty: expected an Application (apiVersion: core.oam.dev/v1beta1, kind: Application)"},
		{"whitespace only", "  \n\t\n\n", "app.yaml: file is empty: expected an Application (apiVersion: core.oam.dev/v1beta1, kind: Application)"},
		{"separators only", "---\n---\n", "app.yaml: file holds no documents: expected an Application"},
		{"null only", "null\n", "app.yaml: file holds no documents: expected an Application"},
		{"tilde only", "~\n", "app.yaml: file holds no documents: expected an Application"},
		{"separator and comment", "---\n# nothing\n", "app.yaml: file holds no documents: expected an Application"},
		{"comment only", "# nothing but a comment\n", "app.yaml: file holds no documents: expected an Application"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, d := Parse("app.yaml", []byte(tt.src))
			require.NotNil(t, d, "got %d documents", len(docs))
			assert.Empty(t, docs)
			assert.Equal(t, tt.want, d.Error())
			assert.Equal(t, diag.Pos{File: "app.yaml"}, d.Pos)
		})
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		pos     diag.Pos
		message string
	}{
		{
			name:    "unclosed flow list, as in the golden case",
			src:     "apiVersion: v1\nspec:\n  components:\n    - name: web\n      properties:\n        args: [\"--a\", \"--b\"\n    - name: db\n",
			pos:     diag.Pos{File: "app.yaml", Line: 6, Col: 15},
			message: "invalid YAML: did not find expected ',' or ']'",
		},
		{
			name:    "unclosed flow list followed by a key",
			src:     "k: v\nz: 1\na: [1, 2\nb: 3\n",
			pos:     diag.Pos{File: "app.yaml", Line: 3, Col: 4},
			message: "invalid YAML: did not find expected ',' or ']'",
		},
		{
			name:    "unclosed flow mapping",
			src:     "k: v\nz: 1\na: {x: 1\nb: 3\n",
			pos:     diag.Pos{File: "app.yaml", Line: 3, Col: 4},
			message: "invalid YAML: did not find expected ',' or '}'",
		},
		{
			name:    "unclosed flow mapping, indented",
			src:     "k: v\na:\n  b: {x: 1, y: 2\nc: 3\n",
			pos:     diag.Pos{File: "app.yaml", Line: 3, Col: 6},
			message: "invalid YAML: did not find expected ',' or '}'",
		},
		{
			name:    "flow list spanning lines",
			src:     "x: 1\ny:\n  z: [1,\n     2\nw: 1\n",
			pos:     diag.Pos{File: "app.yaml", Line: 3, Col: 6},
			message: "invalid YAML: did not find expected ',' or ']'",
		},
		{
			name:    "list closed by a brace",
			src:     "k: v\na: {x: [1, 2}\n",
			pos:     diag.Pos{File: "app.yaml", Line: 2, Col: 8},
			message: "invalid YAML: did not find expected ',' or ']'",
		},
		{
			name:    "unclosed flow list on the first line",
			src:     "a: [1, 2\nb: 3\n",
			pos:     diag.Pos{File: "app.yaml", Line: 1, Col: 4},
			message: "invalid YAML: did not find expected ',' or ']'",
		},
		{
			name:    "unclosed flow mapping on the first line",
			src:     "a: {x: 1\nb: 3\n",
			pos:     diag.Pos{File: "app.yaml", Line: 1, Col: 4},
			message: "invalid YAML: did not find expected ',' or '}'",
		},
		{
			name:    "list closed by a brace on the first line",
			src:     "a: {x: [1, 2}\n",
			pos:     diag.Pos{File: "app.yaml", Line: 1, Col: 8},
			message: "invalid YAML: did not find expected ',' or ']'",
		},
		{
			name:    "unclosed outer list after a closed inner one",
			src:     "k: v\na: [[1], [2]\nb: 3\n",
			pos:     diag.Pos{File: "app.yaml", Line: 2, Col: 4},
			message: "invalid YAML: did not find expected ',' or ']'",
		},
		{
			name:    "unclosed list with a closed list item",
			src:     "k: v\na: [1, [2]\nb: 3\n",
			pos:     diag.Pos{File: "app.yaml", Line: 2, Col: 4},
			message: "invalid YAML: did not find expected ',' or ']'",
		},
		{
			name:    "tab indentation",
			src:     "a: 1\n\tb: 2\n",
			pos:     diag.Pos{File: "app.yaml", Line: 2, Col: 1},
			message: "invalid YAML: found a tab character that violates indentation",
		},
		{
			name:    "unclosed list in the second document",
			src:     "a: 1\n---\nb: [\n",
			pos:     diag.Pos{File: "app.yaml", Line: 3, Col: 1},
			message: "invalid YAML: did not find expected node content",
		},
		{
			name:    "mapping value in a plain scalar",
			src:     "x: 1\na: b: c\n",
			pos:     diag.Pos{File: "app.yaml", Line: 2, Col: 1},
			message: "invalid YAML: mapping values are not allowed in this context",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, d := Parse("app.yaml", []byte(tt.src))
			require.NotNil(t, d)
			assert.Nil(t, docs)
			assert.Equal(t, tt.pos, d.Pos)
			assert.Equal(t, tt.message, d.Message)
			assert.Equal(t, tt.pos.String()+": "+tt.message, d.Error())
		})
	}
}

func TestParseJSONFile(t *testing.T) {
	src := "{\n  \"apiVersion\": \"core.oam.dev/v1beta1\",\n  \"spec\": {\"components\": [{\"name\": \"web\"}]}\n}\n"
	docs, d := Parse("app.json", []byte(src))
	require.Nil(t, d)
	require.Len(t, docs, 1)
	assert.Equal(t, "app.json", docs[0].File)
	assert.Equal(t, 0, docs[0].Index)
	assert.Equal(t, map[string]any{
		"apiVersion": "core.oam.dev/v1beta1",
		"spec":       map[string]any{"components": []any{map[string]any{"name": "web"}}},
	}, decode(t, docs[0]))
	v := cuecontext.New().BuildExpr(docs[0].Expr, cue.Filename("app.json"))
	assert.Equal(t, 3, v.LookupPath(cue.ParsePath("spec")).Pos().Line(), "positions are the JSON file's lines")
}

func TestParseMalformedJSON(t *testing.T) {
	tests := []struct {
		name, src string
		pos       diag.Pos
		message   string
	}{
		{"trailing comma", "{\n  \"a\": 1,\n}\n", diag.Pos{File: "app.json", Line: 3, Col: 1}, "invalid JSON: invalid character '}' looking for beginning of object key string"},
		{"two values", "{\"a\": 1}\n{\"b\": 2}\n", diag.Pos{File: "app.json", Line: 2, Col: 1}, "invalid JSON: invalid character '{' after top-level value"},
		{"YAML in a .json file", "a: 1\n", diag.Pos{File: "app.json", Line: 1, Col: 1}, "invalid JSON: invalid character 'a' looking for beginning of value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, d := Parse("app.json", []byte(tt.src))
			require.NotNil(t, d)
			assert.Nil(t, docs)
			assert.Equal(t, tt.pos, d.Pos)
			assert.Equal(t, tt.message, d.Message)
			assert.Equal(t, 1, strings.Count(d.Error(), "app.json"), "the file is named once: %s", d.Error())
		})
	}
}

func TestParseEmptyJSON(t *testing.T) {
	_, d := Parse("app.json", []byte(" \n"))
	require.NotNil(t, d)
	assert.Equal(t, "app.json: file is empty: expected an Application (apiVersion: core.oam.dev/v1beta1, kind: Application)", d.Error())
}

// TestParseMalformedFirstLine covers errors the YAML decoder reports
// without a line: the message must still have one position, and name the
// file once.
func TestParseMalformedFirstLine(t *testing.T) {
	docs, d := Parse("app.yaml", []byte("a: b: c\n"))
	require.NotNil(t, d)
	assert.Nil(t, docs)
	assert.Equal(t, "app.yaml", d.Pos.File)
	assert.Equal(t, 1, d.Pos.Line, "the error is on line 1")
	assert.Equal(t, 1, strings.Count(d.Error(), "app.yaml"), "the file is named once: %s", d.Error())
	assert.Contains(t, d.Message, "mapping values are not allowed in this context")
}

// writeFiles creates files (name → content) below dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

// names returns "file#index" for each document.
func names(docs []Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.File + "#" + strconv.Itoa(d.Index)
	}
	return out
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"one.yaml": "a: 1\n",
		"two.yml":  "b: 1\n---\nb: 2\n",
		"app.txt":  "c: 1\n",
	})
	one, two, txt := filepath.Join(dir, "one.yaml"), filepath.Join(dir, "two.yml"), filepath.Join(dir, "app.txt")
	docs, err := Read(context.Background(), []string{two, one, txt}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{two + "#0", two + "#1", one + "#0", txt + "#0"}, names(docs),
		"files in the order given, documents in file order; a file named explicitly is read whatever its extension")
	assert.Equal(t, map[string]any{"b": 2}, normalize(decode(t, docs[1])))
}

func TestReadFolder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"b.yaml":          "b: 1\n",
		"a.json":          `{"a": 1}`,
		"c.yml":           "c: 1\n",
		"README.md":       "# not an app\n",
		"notes.txt":       "x: 1\n",
		"yaml":            "x: 1\n",
		"sub/d.yaml":      "d: 1\n",
		"sub.yaml/e.yaml": "e: 1\n",
	})
	docs, err := Read(context.Background(), []string{dir}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{
		filepath.Join(dir, "a.json") + "#0",
		filepath.Join(dir, "b.yaml") + "#0",
		filepath.Join(dir, "c.yml") + "#0",
	}, names(docs), "*.yaml, *.yml and *.json in name order; no subfolders, whatever their name")
}

func TestReadFolderWithoutApps(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"README.md": "x", "sub/a.yaml": "a: 1\n"})
	docs, err := Read(context.Background(), []string{dir}, nil)
	require.Error(t, err)
	assert.Nil(t, docs)
	var l diag.List
	require.ErrorAs(t, err, &l)
	require.Len(t, l, 1)
	assert.Equal(t, diag.Pos{File: dir}, l[0].Pos)
	assert.Equal(t, dir+": folder holds no application files (expected *.yaml, *.yml or *.json)", l[0].Error())
}

func TestReadEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	_, err := Read(context.Background(), []string{dir}, nil)
	assert.ErrorContains(t, err, "folder holds no application files")
}

func TestReadReportsEveryBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"good.yaml":  "a: 1\n",
		"empty.yaml": "",
		"bad.yaml":   "k: v\na: [1\nb: 2\n",
	})
	missing1 := filepath.Join(dir, "missing1.yaml")
	missing2 := filepath.Join(dir, "nope", "missing2.yaml")
	inputs := []string{missing1, filepath.Join(dir, "good.yaml"), filepath.Join(dir, "empty.yaml"), missing2, filepath.Join(dir, "bad.yaml")}
	docs, err := Read(context.Background(), inputs, nil)
	require.Error(t, err)
	assert.Nil(t, docs, "no documents when any input fails")
	var l diag.List
	require.ErrorAs(t, err, &l)
	require.Len(t, l, 4, "every bad input is reported: %v", err)
	assert.Equal(t, missing1+": cannot read input: no such file or directory", l[0].Error())
	assert.Equal(t, filepath.Join(dir, "empty.yaml"), l[1].Pos.File)
	assert.Contains(t, l[1].Message, "file is empty")
	assert.Equal(t, missing2+": cannot read input: no such file or directory", l[2].Error())
	assert.Equal(t, diag.Pos{File: filepath.Join(dir, "bad.yaml"), Line: 2, Col: 4}, l[3].Pos)
}

func TestReadStdin(t *testing.T) {
	docs, err := Read(context.Background(), []string{"-"}, strings.NewReader("a: 1\n---\nb: 2\n"))
	require.NoError(t, err)
	require.Len(t, docs, 2)
	for _, d := range docs {
		assert.Equal(t, Stdin, d.File)
	}
	assert.Equal(t, map[string]any{"b": 2}, normalize(decode(t, docs[1])))
	assert.Equal(t, diag.Pos{File: "<stdin>", Line: 3, Col: 1}, diag.FromToken(docs[1].Expr.Pos()))
}

func TestReadStdinWithFiles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.yaml": "a: 1\n"})
	a := filepath.Join(dir, "a.yaml")
	docs, err := Read(context.Background(), []string{a, "-"}, strings.NewReader("s: 1\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{a + "#0", Stdin + "#0"}, names(docs))
}

func TestReadStdinErrors(t *testing.T) {
	tests := []struct {
		name  string
		stdin func() *strings.Reader
		want  string
	}{
		{"no reader", nil, "<stdin>: no standard input"},
		{"empty", func() *strings.Reader { return strings.NewReader("") }, "<stdin>: file is empty"},
		{"malformed", func() *strings.Reader { return strings.NewReader("k: v\na: [1\nb: 2\n") }, "<stdin>:2:4: invalid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.stdin == nil {
				_, err = Read(context.Background(), []string{"-"}, nil)
			} else {
				_, err = Read(context.Background(), []string{"-"}, tt.stdin())
			}
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "%q does not start with %q", err.Error(), tt.want)
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, os.ErrClosed }

func TestReadStdinFailure(t *testing.T) {
	_, err := Read(context.Background(), []string{"-"}, failingReader{})
	require.Error(t, err)
	assert.Equal(t, "<stdin>: cannot read input: "+os.ErrClosed.Error(), err.Error())
}

func TestReadCancelled(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.yaml": "a: 1\n"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	docs, err := Read(ctx, []string{filepath.Join(dir, "a.yaml")}, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, docs)
}

func TestReadNoInputs(t *testing.T) {
	docs, err := Read(context.Background(), nil, nil)
	assert.NoError(t, err)
	assert.Empty(t, docs)
}
