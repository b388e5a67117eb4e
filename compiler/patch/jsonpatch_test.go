package patch

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeJSON decodes s into document form, turning numbers into int64 when
// they are integers and float64 otherwise, as the package's callers do.
func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after JSON value")
	}
	return normalizeNumbers(v)
}

func normalizeNumbers(v any) (any, error) {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i, nil
		}
		// Out-of-range numbers (±Inf) are not valid documents.
		return t.Float64()
	case map[string]any:
		for k, e := range t {
			n, err := normalizeNumbers(e)
			if err != nil {
				return nil, err
			}
			t[k] = n
		}
	case []any:
		for i, e := range t {
			n, err := normalizeNumbers(e)
			if err != nil {
				return nil, err
			}
			t[i] = n
		}
	}
	return v, nil
}

func mustJSON(t testing.TB, s string) any {
	t.Helper()
	v, err := decodeJSON(s)
	require.NoError(t, err, "decoding %s", s)
	return v
}

func mustOps(t testing.TB, s string) []any {
	t.Helper()
	ops, ok := mustJSON(t, s).([]any)
	require.True(t, ok, "ops must be a JSON array: %s", s)
	return ops
}

type patchCase struct {
	name string
	doc  string
	ops  string
	want string
}

func runPatchCases(t *testing.T, cases []patchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ApplyJSONPatch(mustJSON(t, tc.doc), mustOps(t, tc.ops))
			require.NoError(t, err)
			assert.Equal(t, mustJSON(t, tc.want), got)
		})
	}
}

func TestApplyJSONPatchOperations(t *testing.T) {
	runPatchCases(t, []patchCase{
		// add
		{"add object member", `{"a":1}`, `[{"op":"add","path":"/b","value":2}]`, `{"a":1,"b":2}`},
		{"add replaces existing member", `{"a":1}`, `[{"op":"add","path":"/a","value":[1]}]`, `{"a":[1]}`},
		{"add null value", `{"a":1}`, `[{"op":"add","path":"/b","value":null}]`, `{"a":1,"b":null}`},
		{"add empty key", `{}`, `[{"op":"add","path":"/","value":1}]`, `{"":1}`},
		{"add insert at start", `{"a":[1,2]}`, `[{"op":"add","path":"/a/0","value":0}]`, `{"a":[0,1,2]}`},
		{"add insert in middle", `{"a":[1,3]}`, `[{"op":"add","path":"/a/1","value":2}]`, `{"a":[1,2,3]}`},
		{"add insert at length", `{"a":[1,2]}`, `[{"op":"add","path":"/a/2","value":3}]`, `{"a":[1,2,3]}`},
		{"add dash appends", `{"a":[1,2]}`, `[{"op":"add","path":"/a/-","value":3}]`, `{"a":[1,2,3]}`},
		{"add dash to empty array", `{"a":[]}`, `[{"op":"add","path":"/a/-","value":1}]`, `{"a":[1]}`},
		{"add to root array", `[1]`, `[{"op":"add","path":"/-","value":2}]`, `[1,2]`},
		{"add replaces root", `{"a":1}`, `[{"op":"add","path":"","value":[true]}]`, `[true]`},
		{"add through array", `{"a":[{"b":1}]}`, `[{"op":"add","path":"/a/0/c","value":2}]`, `{"a":[{"b":1,"c":2}]}`},
		{"add into nested array", `{"a":{"b":[[1]]}}`, `[{"op":"add","path":"/a/b/0/-","value":2}]`, `{"a":{"b":[[1,2]]}}`},
		// remove
		{"remove member", `{"a":1,"b":2}`, `[{"op":"remove","path":"/a"}]`, `{"b":2}`},
		{"remove null member", `{"a":null}`, `[{"op":"remove","path":"/a"}]`, `{}`},
		{"remove first element", `[1,2,3]`, `[{"op":"remove","path":"/0"}]`, `[2,3]`},
		{"remove last element", `[1,2,3]`, `[{"op":"remove","path":"/2"}]`, `[1,2]`},
		{"remove nested", `{"a":{"b":[1,{"c":1,"d":2}]}}`, `[{"op":"remove","path":"/a/b/1/c"}]`, `{"a":{"b":[1,{"d":2}]}}`},
		// replace
		{"replace member", `{"a":1}`, `[{"op":"replace","path":"/a","value":"x"}]`, `{"a":"x"}`},
		{"replace with null", `{"a":1}`, `[{"op":"replace","path":"/a","value":null}]`, `{"a":null}`},
		{"replace element", `[1,2,3]`, `[{"op":"replace","path":"/1","value":{"x":1}}]`, `[1,{"x":1},3]`},
		{"replace root", `{"a":1}`, `[{"op":"replace","path":"","value":"x"}]`, `"x"`},
		{"replace nested", `{"spec":{"replicas":1}}`, `[{"op":"replace","path":"/spec/replicas","value":3}]`, `{"spec":{"replicas":3}}`},
		// move
		{"move member", `{"a":1}`, `[{"op":"move","from":"/a","path":"/b"}]`, `{"b":1}`},
		{"move onto itself", `{"a":{"b":1}}`, `[{"op":"move","from":"/a","path":"/a"}]`, `{"a":{"b":1}}`},
		{"move to sibling with shared prefix", `{"a":1}`, `[{"op":"move","from":"/a","path":"/ab"}]`, `{"ab":1}`},
		{"move into other object", `{"a":{"x":1},"b":{}}`, `[{"op":"move","from":"/a/x","path":"/b/y"}]`, `{"a":{},"b":{"y":1}}`},
		{"move overwrites target", `{"a":1,"b":2}`, `[{"op":"move","from":"/a","path":"/b"}]`, `{"b":1}`},
		{"move element backwards", `[1,2,3]`, `[{"op":"move","from":"/2","path":"/0"}]`, `[3,1,2]`},
		{"move element to end", `[1,2,3]`, `[{"op":"move","from":"/0","path":"/-"}]`, `[2,3,1]`},
		{"move element out of array", `{"a":[1,2],"b":{}}`, `[{"op":"move","from":"/a/0","path":"/b/x"}]`, `{"a":[2],"b":{"x":1}}`},
		{"move child to parent", `{"a":{"b":{"c":1}}}`, `[{"op":"move","from":"/a/b","path":"/a"}]`, `{"a":{"c":1}}`},
		// copy
		{"copy member", `{"a":{"x":1}}`, `[{"op":"copy","from":"/a","path":"/b"}]`, `{"a":{"x":1},"b":{"x":1}}`},
		{"copy element", `[1,2]`, `[{"op":"copy","from":"/0","path":"/-"}]`, `[1,2,1]`},
		{"copy root into itself", `{"a":1}`, `[{"op":"copy","from":"","path":"/b"}]`, `{"a":1,"b":{"a":1}}`},
		{"copy is independent", `{"a":{"x":1}}`, `[
			{"op":"copy","from":"/a","path":"/b"},
			{"op":"add","path":"/b/y","value":2},
			{"op":"replace","path":"/a/x","value":0}
		]`, `{"a":{"x":0},"b":{"x":1,"y":2}}`},
		// test
		{"test string", `{"a":"x"}`, `[{"op":"test","path":"/a","value":"x"}]`, `{"a":"x"}`},
		{"test int equals float", `{"a":1}`, `[{"op":"test","path":"/a","value":1.0}]`, `{"a":1}`},
		{"test float equals int", `{"a":2.0}`, `[{"op":"test","path":"/a","value":2}]`, `{"a":2.0}`},
		{"test object ignores member order", `{"a":{"x":1,"y":[1,{"z":null}]}}`, `[{"op":"test","path":"/a","value":{"y":[1,{"z":null}],"x":1.0}}]`, `{"a":{"x":1,"y":[1,{"z":null}]}}`},
		{"test null", `{"a":null}`, `[{"op":"test","path":"/a","value":null}]`, `{"a":null}`},
		{"test bool", `[true]`, `[{"op":"test","path":"/0","value":true}]`, `[true]`},
		{"test root", `{"a":[]}`, `[{"op":"test","path":"","value":{"a":[]}}]`, `{"a":[]}`},
		// sequences
		{"operations apply in order", `{}`, `[
			{"op":"add","path":"/a","value":[]},
			{"op":"add","path":"/a/-","value":1},
			{"op":"copy","from":"/a/0","path":"/a/0"},
			{"op":"test","path":"/a","value":[1,1]},
			{"op":"move","from":"/a","path":"/b"},
			{"op":"remove","path":"/b/1"}
		]`, `{"b":[1]}`},
		{"no operations", `{"a":1}`, `[]`, `{"a":1}`},
	})
}

// The examples of RFC 6902 Appendix A that succeed.
func TestApplyJSONPatchRFC6902Examples(t *testing.T) {
	runPatchCases(t, []patchCase{
		{"A.1 adding an object member", `{"foo":"bar"}`,
			`[{"op":"add","path":"/baz","value":"qux"}]`,
			`{"baz":"qux","foo":"bar"}`},
		{"A.2 adding an array element", `{"foo":["bar","baz"]}`,
			`[{"op":"add","path":"/foo/1","value":"qux"}]`,
			`{"foo":["bar","qux","baz"]}`},
		{"A.3 removing an object member", `{"baz":"qux","foo":"bar"}`,
			`[{"op":"remove","path":"/baz"}]`,
			`{"foo":"bar"}`},
		{"A.4 removing an array element", `{"foo":["bar","qux","baz"]}`,
			`[{"op":"remove","path":"/foo/1"}]`,
			`{"foo":["bar","baz"]}`},
		{"A.5 replacing a value", `{"baz":"qux","foo":"bar"}`,
			`[{"op":"replace","path":"/baz","value":"boo"}]`,
			`{"baz":"boo","foo":"bar"}`},
		{"A.6 moving a value", `{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}`,
			`[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]`,
			`{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}`},
		{"A.7 moving an array element", `{"foo":["all","grass","cows","eat"]}`,
			`[{"op":"move","from":"/foo/1","path":"/foo/3"}]`,
			`{"foo":["all","cows","eat","grass"]}`},
		{"A.8 testing a value: success", `{"baz":"qux","foo":["a",2,"c"]}`,
			`[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]`,
			`{"baz":"qux","foo":["a",2,"c"]}`},
		{"A.10 adding a nested member object", `{"foo":"bar"}`,
			`[{"op":"add","path":"/child","value":{"grandchild":{}}}]`,
			`{"foo":"bar","child":{"grandchild":{}}}`},
		{"A.11 ignoring unrecognized elements", `{"foo":"bar"}`,
			`[{"op":"add","path":"/baz","value":"qux","xyz":123}]`,
			`{"foo":"bar","baz":"qux"}`},
		{"A.14 escape ordering", `{"/":9,"~1":10}`,
			`[{"op":"test","path":"/~01","value":10}]`,
			`{"/":9,"~1":10}`},
		{"A.16 adding an array value", `{"foo":["bar"]}`,
			`[{"op":"add","path":"/foo/-","value":["abc","def"]}]`,
			`{"foo":["bar",["abc","def"]]}`},
	})
}

// The examples of RFC 6902 Appendix A that fail. A.13 (a duplicate "op"
// member) cannot be expressed once decoded into a Go map, so it is left out.
func TestApplyJSONPatchRFC6902ErrorExamples(t *testing.T) {
	cases := []struct {
		name    string
		doc     string
		ops     string
		wantErr error
	}{
		{"A.9 testing a value: error", `{"baz":"qux"}`,
			`[{"op":"test","path":"/baz","value":"bar"}]`, ErrTestFailed},
		{"A.12 adding to a nonexistent target", `{"foo":"bar"}`,
			`[{"op":"add","path":"/baz/bat","value":"qux"}]`, ErrPathNotFound},
		{"A.15 comparing strings and numbers", `{"/":9,"~1":10}`,
			`[{"op":"test","path":"/~01","value":"10"}]`, ErrTestFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ApplyJSONPatch(mustJSON(t, tc.doc), mustOps(t, tc.ops))
			require.ErrorIs(t, err, tc.wantErr)
			assert.Nil(t, got)
		})
	}
}

func TestApplyJSONPatchErrors(t *testing.T) {
	const doc = `{"a":{"b":1},"arr":[1,2,3],"s":"str","n":5,"nul":null,"t":true}`
	cases := []struct {
		name    string
		ops     string
		wantErr error
		wantMsg string // exact OpError text when set
	}{
		// malformed operations
		{"operation not an object", `["add"]`, ErrInvalidOperation,
			`operation 0: invalid operation: operation must be an object, got a string`},
		{"missing op", `[{"path":"/a"}]`, ErrInvalidOperation,
			`operation 0: invalid operation: missing "op"`},
		{"op not a string", `[{"op":1,"path":"/a"}]`, ErrInvalidOperation,
			`operation 0: invalid operation: "op" must be a string, got a number`},
		{"unknown op", `[{"op":"frobnicate","path":"/a"}]`, ErrInvalidOperation,
			`operation 0 (frobnicate /a): invalid operation: unknown op "frobnicate"`},
		{"op is case sensitive", `[{"op":"ADD","path":"/x","value":1}]`, ErrInvalidOperation, ""},
		{"missing path", `[{"op":"add","value":1}]`, ErrInvalidOperation,
			`operation 0 (add ""): invalid operation: missing "path"`},
		{"path not a string", `[{"op":"remove","path":["a"]}]`, ErrInvalidOperation, ""},
		{"add missing value", `[{"op":"add","path":"/x"}]`, ErrInvalidOperation,
			`operation 0 (add /x): invalid operation: missing "value"`},
		{"replace missing value", `[{"op":"replace","path":"/n"}]`, ErrInvalidOperation, ""},
		{"test missing value", `[{"op":"test","path":"/n"}]`, ErrInvalidOperation, ""},
		{"move missing from", `[{"op":"move","path":"/x"}]`, ErrInvalidOperation,
			`operation 0 (move /x): invalid operation: missing "from"`},
		{"copy missing from", `[{"op":"copy","path":"/x"}]`, ErrInvalidOperation, ""},
		{"from not a string", `[{"op":"copy","from":null,"path":"/x"}]`, ErrInvalidOperation, ""},
		{"remove root", `[{"op":"remove","path":""}]`, ErrInvalidOperation, ""},
		// bad pointers
		{"path without leading slash", `[{"op":"add","path":"a","value":1}]`, ErrInvalidPointer, ""},
		{"path with bad escape", `[{"op":"test","path":"/a~2","value":1}]`, ErrInvalidPointer, ""},
		{"path with trailing tilde", `[{"op":"remove","path":"/a~"}]`, ErrInvalidPointer, ""},
		{"from without leading slash", `[{"op":"move","from":"a","path":"/x"}]`, ErrInvalidPointer, ""},
		// missing locations
		{"remove missing member", `[{"op":"remove","path":"/x"}]`, ErrPathNotFound,
			`operation 0 (remove /x): path not found`},
		{"replace missing member", `[{"op":"replace","path":"/a/x","value":1}]`, ErrPathNotFound, ""},
		{"test missing member", `[{"op":"test","path":"/x","value":null}]`, ErrPathNotFound, ""},
		{"add below missing member", `[{"op":"add","path":"/x/y/z","value":1}]`, ErrPathNotFound,
			`operation 0 (add /x/y/z): /x: path not found`},
		{"move from missing member", `[{"op":"move","from":"/x","path":"/y"}]`, ErrPathNotFound,
			`operation 0 (move /y): from /x: path not found`},
		{"move onto itself from missing member", `[{"op":"move","from":"/x","path":"/x"}]`, ErrPathNotFound, ""},
		{"copy from missing member", `[{"op":"copy","from":"/a/x","path":"/y"}]`, ErrPathNotFound, ""},
		{"move to missing parent", `[{"op":"move","from":"/n","path":"/x/y"}]`, ErrPathNotFound, ""},
		// array indexes
		{"add past length", `[{"op":"add","path":"/arr/4","value":1}]`, ErrIndexOutOfRange,
			`operation 0 (add /arr/4): array index out of range: 4 (length 3)`},
		{"remove at length", `[{"op":"remove","path":"/arr/3"}]`, ErrIndexOutOfRange, ""},
		{"replace past length", `[{"op":"replace","path":"/arr/5","value":1}]`, ErrIndexOutOfRange, ""},
		{"test dash", `[{"op":"test","path":"/arr/-","value":1}]`, ErrIndexOutOfRange, ""},
		{"remove dash", `[{"op":"remove","path":"/arr/-"}]`, ErrIndexOutOfRange, ""},
		{"copy from dash", `[{"op":"copy","from":"/arr/-","path":"/x"}]`, ErrIndexOutOfRange, ""},
		{"index overflows int", `[{"op":"remove","path":"/arr/99999999999999999999999"}]`, ErrIndexOutOfRange, ""},
		{"index past length mid-path", `[{"op":"add","path":"/arr/3/x","value":1}]`, ErrIndexOutOfRange, ""},
		{"index with leading zero", `[{"op":"add","path":"/arr/01","value":1}]`, ErrInvalidIndex,
			`operation 0 (add /arr/01): invalid array index: "01"`},
		{"negative index", `[{"op":"remove","path":"/arr/-1"}]`, ErrInvalidIndex, ""},
		{"signed index", `[{"op":"replace","path":"/arr/+1","value":1}]`, ErrInvalidIndex, ""},
		{"non-numeric index", `[{"op":"test","path":"/arr/x","value":1}]`, ErrInvalidIndex, ""},
		{"empty index", `[{"op":"add","path":"/arr/","value":1}]`, ErrInvalidIndex, ""},
		{"zero leading zeros", `[{"op":"remove","path":"/arr/00"}]`, ErrInvalidIndex, ""},
		// non-container parents
		{"add into string", `[{"op":"add","path":"/s/x","value":1}]`, ErrNotContainer,
			`operation 0 (add /s/x): not an object or array: parent is a string`},
		{"remove from number", `[{"op":"remove","path":"/n/0"}]`, ErrNotContainer, ""},
		{"replace in bool", `[{"op":"replace","path":"/t/x","value":1}]`, ErrNotContainer, ""},
		{"add into null", `[{"op":"add","path":"/nul/x","value":1}]`, ErrNotContainer, ""},
		{"descend through scalar", `[{"op":"test","path":"/a/b/c/d","value":1}]`, ErrNotContainer,
			`operation 0 (test /a/b/c/d): /a/b/c: not an object or array: parent is a number`},
		// move into a child
		{"move into own child", `[{"op":"move","from":"/a","path":"/a/b"}]`, ErrMoveIntoChild,
			`operation 0 (move /a/b): cannot move a value into one of its children: from /a`},
		{"move into own grandchild", `[{"op":"move","from":"/a","path":"/a/b/c"}]`, ErrMoveIntoChild, ""},
		{"move root into child", `[{"op":"move","from":"","path":"/x"}]`, ErrMoveIntoChild, ""},
		// test failures
		{"test different value", `[{"op":"test","path":"/n","value":6}]`, ErrTestFailed,
			`operation 0 (test /n): test failed`},
		{"test number against string", `[{"op":"test","path":"/n","value":"5"}]`, ErrTestFailed, ""},
		{"test null against missing-like false", `[{"op":"test","path":"/nul","value":false}]`, ErrTestFailed, ""},
		{"test object with extra member", `[{"op":"test","path":"/a","value":{"b":1,"c":2}}]`, ErrTestFailed, ""},
		{"test array order matters", `[{"op":"test","path":"/arr","value":[3,2,1]}]`, ErrTestFailed, ""},
		{"test root", `[{"op":"test","path":"","value":{}}]`, ErrTestFailed,
			`operation 0 (test ""): test failed`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ApplyJSONPatch(mustJSON(t, doc), mustOps(t, tc.ops))
			require.ErrorIs(t, err, tc.wantErr)
			assert.Nil(t, got)
			var opErr *OpError
			require.ErrorAs(t, err, &opErr)
			assert.Equal(t, 0, opErr.Index)
			if tc.wantMsg != "" {
				assert.EqualError(t, err, tc.wantMsg)
			}
		})
	}
}

func TestOpErrorReportsFailingOperation(t *testing.T) {
	doc := mustJSON(t, `{"spec":{"template":{}}}`)
	ops := mustOps(t, `[
		{"op":"test","path":"/spec/template","value":{}},
		{"op":"add","path":"/spec/paused","value":true},
		{"op":"replace","path":"/spec/replicas","value":3}
	]`)
	got, err := ApplyJSONPatch(doc, ops)
	assert.Nil(t, got, "earlier operations must not leak out of a failed patch")
	require.EqualError(t, err, "operation 2 (replace /spec/replicas): path not found")

	var opErr *OpError
	require.ErrorAs(t, err, &opErr)
	assert.Equal(t, 2, opErr.Index)
	assert.Equal(t, "replace", opErr.Op)
	assert.Equal(t, "/spec/replicas", opErr.Path)
	assert.Same(t, ErrPathNotFound, opErr.Unwrap())
	assert.ErrorIs(t, err, ErrPathNotFound)
}

// rfc6901Doc is the example document of RFC 6901 section 5.
const rfc6901Doc = `{
	"foo": ["bar", "baz"],
	"": 0,
	"a/b": 1,
	"c%d": 2,
	"e^f": 3,
	"g|h": 4,
	"i\\j": 5,
	"k\"l": 6,
	" ": 7,
	"m~n": 8
}`

func TestPointerEscapes(t *testing.T) {
	doc := mustJSON(t, rfc6901Doc)
	cases := []struct {
		pointer string
		tokens  []string
		want    any
	}{
		{"", nil, doc},
		{"/foo", []string{"foo"}, []any{"bar", "baz"}},
		{"/foo/0", []string{"foo", "0"}, "bar"},
		{"/", []string{""}, int64(0)},
		{"/a~1b", []string{"a/b"}, int64(1)},
		{"/c%d", []string{"c%d"}, int64(2)},
		{"/e^f", []string{"e^f"}, int64(3)},
		{"/g|h", []string{"g|h"}, int64(4)},
		{`/i\j`, []string{`i\j`}, int64(5)},
		{`/k"l`, []string{`k"l`}, int64(6)},
		{"/ ", []string{" "}, int64(7)},
		{"/m~0n", []string{"m~n"}, int64(8)},
	}
	for _, tc := range cases {
		t.Run(tc.pointer, func(t *testing.T) {
			tokens, err := parsePointer(tc.pointer)
			require.NoError(t, err)
			assert.Equal(t, tc.tokens, tokens)
			assert.Equal(t, tc.pointer, formatPointer(tokens))

			// The same pointer must work through the public API.
			ops := []any{map[string]any{"op": "test", "path": tc.pointer, "value": tc.want}}
			_, err = ApplyJSONPatch(doc, ops)
			assert.NoError(t, err)
		})
	}
}

func TestParsePointerUnescaping(t *testing.T) {
	cases := []struct {
		pointer string
		want    []string
		wantErr bool
	}{
		{pointer: "/~01", want: []string{"~1"}},
		{pointer: "/~10", want: []string{"/0"}},
		{pointer: "/~0~1", want: []string{"~/"}},
		{pointer: "/~1~0", want: []string{"/~"}},
		{pointer: "/~00", want: []string{"~0"}},
		{pointer: "//", want: []string{"", ""}},
		{pointer: "/a//b", want: []string{"a", "", "b"}},
		{pointer: "/a~", wantErr: true},
		{pointer: "/~2", wantErr: true},
		{pointer: "/~~1", wantErr: true},
		{pointer: "a", wantErr: true},
		{pointer: "#/a", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.pointer, func(t *testing.T) {
			got, err := parsePointer(tc.pointer)
			if tc.wantErr {
				require.ErrorIs(t, err, ErrInvalidPointer)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.pointer, formatPointer(got))
		})
	}
}

func TestEscapedKeysInOperations(t *testing.T) {
	runPatchCases(t, []patchCase{
		{"add slash key", `{}`, `[{"op":"add","path":"/a~1b","value":1}]`, `{"a/b":1}`},
		{"add tilde key", `{}`, `[{"op":"add","path":"/a~0b","value":1}]`, `{"a~b":1}`},
		{"remove escaped key", `{"~/":1,"x":2}`, `[{"op":"remove","path":"/~0~1"}]`, `{"x":2}`},
		{"move between escaped keys", `{"a/b":{"c~d":1}}`,
			`[{"op":"move","from":"/a~1b/c~0d","path":"/~1"}]`, `{"a/b":{},"/":1}`},
	})
}

func TestTestNumericEquality(t *testing.T) {
	cases := []struct {
		name  string
		doc   any
		value any
		ok    bool
	}{
		{"int64 and float64", int64(1), float64(1), true},
		{"float64 and int64", float64(-3), int64(-3), true},
		{"int and int64", 7, int64(7), true},
		{"float32 and float64", float32(1.5), float64(1.5), true},
		{"int and float32", 2, float32(2), true},
		{"zero and negative zero", int64(0), math.Copysign(0, -1), true},
		{"large int64 exactly", int64(1<<53 + 1), float64(1 << 53), false},
		{"max int64", int64(math.MaxInt64), int64(math.MaxInt64), true},
		{"fraction", int64(1), 1.5, false},
		{"NaN never equal", math.NaN(), math.NaN(), false},
		{"infinity", math.Inf(1), math.Inf(1), true},
		{"small signed types", int8(-1), int16(-1), true},
		{"int32 and int64", int32(40), int64(40), true},
		{"unsigned types", uint(1), uint8(1), true},
		{"uint16 and uint32", uint16(9), uint32(9), true},
		{"max uint64 beyond int64", uint64(math.MaxUint64), int64(-1), false},
		{"max uint64 against float", uint64(math.MaxUint64), float64(1 << 64), false},
		{"uint64 and float64", uint64(1 << 63), float64(1 << 63), true},
		{"float32 NaN", float32(math.NaN()), float32(math.NaN()), false},
		{"number and string", int64(1), "1", false},
		{"number and bool", int64(1), true, false},
		{"zero and null", int64(0), nil, false},
		{"nested numbers", map[string]any{"a": []any{int64(1), 2.5}}, map[string]any{"a": []any{1.0, float32(2.5)}}, true},
		{"empty object and null", map[string]any{}, nil, false},
		{"empty object and empty array", map[string]any{}, []any{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := map[string]any{"v": tc.doc}
			ops := []any{map[string]any{"op": "test", "path": "/v", "value": tc.value}}
			_, err := ApplyJSONPatch(doc, ops)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrTestFailed)
			}
		})
	}
}

func TestApplyJSONPatchDoesNotMutateInputs(t *testing.T) {
	doc := mustJSON(t, `{"spec":{"replicas":1,"containers":[{"name":"a","env":[]}],"labels":{"x":"1"}},"list":[1,2,3]}`)
	ops := mustOps(t, `[
		{"op":"add","path":"/spec/containers/0/env/-","value":{"name":"E","value":"v"}},
		{"op":"add","path":"/spec/containers/-","value":{"name":"b"}},
		{"op":"replace","path":"/spec/replicas","value":3},
		{"op":"remove","path":"/list/0"},
		{"op":"move","from":"/spec/labels","path":"/labels"},
		{"op":"copy","from":"/spec/containers/0","path":"/first"},
		{"op":"add","path":"/obj","value":{"inner":[1]}}
	]`)
	docBefore, opsBefore := DeepCopy(doc), DeepCopy(ops)

	got, err := ApplyJSONPatch(doc, ops)
	require.NoError(t, err)
	assert.Equal(t, docBefore, doc)
	assert.Equal(t, opsBefore, ops)

	// Editing the result must not reach back into doc or ops.
	res := got.(map[string]any)
	res["obj"].(map[string]any)["inner"].([]any)[0] = "changed"
	res["first"].(map[string]any)["name"] = "changed"
	spec := res["spec"].(map[string]any)
	spec["containers"].([]any)[0].(map[string]any)["env"].([]any)[0].(map[string]any)["value"] = "changed"
	spec["containers"].([]any)[1].(map[string]any)["name"] = "changed"
	res["labels"].(map[string]any)["x"] = "changed"
	res["list"].([]any)[0] = "changed"
	assert.Equal(t, docBefore, doc)
	assert.Equal(t, opsBefore, ops)

	// A failing patch must leave doc untouched even after earlier ops edited
	// the working copy.
	failing := mustOps(t, `[
		{"op":"remove","path":"/list/0"},
		{"op":"add","path":"/spec/labels/y","value":"2"},
		{"op":"test","path":"/spec/replicas","value":99}
	]`)
	_, err = ApplyJSONPatch(doc, failing)
	require.ErrorIs(t, err, ErrTestFailed)
	assert.Equal(t, docBefore, doc)
}

func TestApplyJSONPatchAcceptsGoNumbersAndNilMaps(t *testing.T) {
	doc := map[string]any{
		"n":     3,
		"f":     float32(0.5),
		"empty": map[string]any(nil),
		"list":  []any(nil),
	}
	ops := []any{
		map[string]any{"op": "test", "path": "/n", "value": int64(3)},
		map[string]any{"op": "test", "path": "/f", "value": 0.5},
		map[string]any{"op": "add", "path": "/empty/k", "value": "v"},
		map[string]any{"op": "add", "path": "/list/-", "value": 1},
	}
	got, err := ApplyJSONPatch(doc, ops)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"n":     3,
		"f":     float32(0.5),
		"empty": map[string]any{"k": "v"},
		"list":  []any{1},
	}, got)
	assert.Nil(t, doc["empty"])
	assert.Nil(t, doc["list"])
}

func TestApplyJSONPatchUnsupportedValues(t *testing.T) {
	// Values outside the document model are treated as scalars, not panics.
	doc := map[string]any{"typed": map[string]string{"a": "b"}, "ch": make(chan int)}
	_, err := ApplyJSONPatch(doc, []any{map[string]any{"op": "add", "path": "/typed/c", "value": 1}})
	require.ErrorIs(t, err, ErrNotContainer)
	_, err = ApplyJSONPatch(doc, []any{map[string]any{"op": "test", "path": "/typed", "value": map[string]string{"a": "b"}}})
	require.NoError(t, err)
	_, err = ApplyJSONPatch(doc, []any{map[string]any{"op": "remove", "path": "/ch/0"}})
	require.ErrorIs(t, err, ErrNotContainer)
	_, err = ApplyJSONPatch(nil, []any{nil})
	require.ErrorIs(t, err, ErrInvalidOperation)
}

func TestDeepCopy(t *testing.T) {
	orig := mustJSON(t, `{"a":[1,{"b":[2.5,null,true,"s"]}],"c":{}}`)
	cp := DeepCopy(orig)
	require.Equal(t, orig, cp)

	cp.(map[string]any)["a"].([]any)[1].(map[string]any)["b"].([]any)[0] = "x"
	cp.(map[string]any)["c"].(map[string]any)["new"] = 1
	assert.Equal(t, mustJSON(t, `{"a":[1,{"b":[2.5,null,true,"s"]}],"c":{}}`), orig)

	for _, v := range []any{nil, "s", int64(1), 2.5, true, map[string]any(nil), []any(nil)} {
		assert.Equal(t, v, DeepCopy(v))
	}
}

// FuzzApplyJSONPatch checks that arbitrary documents and operation lists
// never panic, never mutate their inputs, and yield encodable documents.
func FuzzApplyJSONPatch(f *testing.F) {
	seeds := [][2]string{
		{`{"foo":"bar"}`, `[{"op":"add","path":"/baz","value":"qux"}]`},
		{`{"foo":["bar","baz"]}`, `[{"op":"add","path":"/foo/1","value":"qux"}]`},
		{`{"foo":["all","grass","cows","eat"]}`, `[{"op":"move","from":"/foo/1","path":"/foo/3"}]`},
		{`{"/":9,"~1":10}`, `[{"op":"test","path":"/~01","value":10}]`},
		{`{"a":{"b":[1,2]}}`, `[{"op":"copy","from":"/a","path":"/a/b/-"},{"op":"remove","path":"/a/b/0"}]`},
		{`[1,2,3]`, `[{"op":"replace","path":"","value":null},{"op":"add","path":"/x","value":1}]`},
		{`{"a":1}`, `[{"op":"move","from":"","path":"/a"}]`},
		{`{"a":[]}`, `[{"op":"add","path":"/a/01","value":1},{"op":"test","path":"/a/-","value":1}]`},
		{`null`, `[{"op":"remove","path":"/0"}]`},
		{`{}`, `[1,"x",null,{"op":null}]`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, docJSON, opsJSON string) {
		doc, err := decodeJSON(docJSON)
		if err != nil {
			return
		}
		opsValue, err := decodeJSON(opsJSON)
		if err != nil {
			return
		}
		docBefore, opsBefore := DeepCopy(doc), DeepCopy(opsValue)

		// The merge patch has no failure mode, so any pair of values works.
		merged := ApplyMergePatch(doc, opsValue)
		_, err = json.Marshal(merged)
		require.NoError(t, err)

		ops, ok := opsValue.([]any)
		if !ok {
			ops = []any{opsValue}
		}
		got, err := ApplyJSONPatch(doc, ops)
		if err != nil {
			var opErr *OpError
			require.ErrorAs(t, err, &opErr)
			require.Nil(t, got)
			require.GreaterOrEqual(t, opErr.Index, 0)
			require.Less(t, opErr.Index, len(ops))
		} else {
			_, err = json.Marshal(got)
			require.NoError(t, err)
		}
		require.Equal(t, docBefore, doc)
		require.Equal(t, opsBefore, opsValue)
	})
}
