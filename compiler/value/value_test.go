package value

import (
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	data := map[string]any{
		"s": "x", "i": int64(-3), "f": 1.5, "whole": 2.0, "b": true, "n": nil,
		"l":       []any{int64(1), "two", map[string]any{"#k": "v", "_h": int64(1)}},
		"nested":  map[string]any{"a.b/c": map[string]any{}},
		"emptyls": []any{},
	}
	got, err := ToGo(FromGo(cuecontext.New(), data))
	require.NoError(t, err)
	assert.Equal(t, data, got)
}

// TestComprehensionKeepsFields guards the reason FromGo exists: a template
// copying list items through a comprehension must see their fields.
func TestComprehensionKeepsFields(t *testing.T) {
	ctx := cuecontext.New()
	tmpl := ctx.CompileString(`context: _
out: [for c in context.containers if c.name == "web" {c}]`)
	data := map[string]any{"containers": []any{map[string]any{"name": "web", "image": "nginx"}}}
	v := tmpl.FillPath(cue.ParsePath("context"), FromGo(ctx, data))
	got, err := ToGo(v.LookupPath(cue.ParsePath("out")))
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"name": "web", "image": "nginx"}}, got)
}

func TestToGoErrors(t *testing.T) {
	ctx := cuecontext.New()
	tests := []struct{ name, src, want string }{
		{"incomplete", `a: b: int`, "a.b: incomplete value int"},
		{"too big", `a: 1e30 & int | 100000000000000000000`, "does not fit in 64 bits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ToGo(ctx.CompileString(tt.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
