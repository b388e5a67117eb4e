package definition

import (
	"regexp"
	"strings"

	"cuelang.org/go/cue/ast"
)

// Tag is what `// +patchKey=<key>` and `// +patchStrategy=<strategy>`
// comments say about one field of a template.
type Tag struct {
	PatchKey string
	Strategy string
}

// TagAt returns the tag on the template field at path, written as the
// patch merger writes paths: "patch.spec.containers[2].env". List indexes
// are ignored, since a tag in a list item's literal applies to every item.
func (d *Definition) TagAt(path string) Tag {
	return d.tags[index.ReplaceAllString(path, "[]")]
}

var index = regexp.MustCompile(`\[\d+\]`)

// collectTags reads the tags from the template's syntax, once per
// definition: fields under `if` and `for` do not exist before evaluation.
// A tag before the shorthand `a: b: c` belongs to c, the innermost field,
// as CUE's own Doc() and KubeVela have it; a JSON patch strategy stays on a.
func collectTags(template ast.Expr) map[string]Tag {
	tags := map[string]Tag{}
	var walk func(x ast.Node, path string)
	walkDecls := func(decls []ast.Decl, path string) {
		for _, d := range decls {
			walk(d, path)
		}
	}
	walk = func(x ast.Node, path string) {
		switch x := x.(type) {
		case *ast.Field:
			name, _, err := ast.LabelName(x.Label)
			if err != nil {
				return
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			t, ok := parseTag(ast.Comments(x))
			// Follow a shorthand chain down to its innermost field, except
			// for the JSON patches, which act on the struct they are written
			// before (`patch: operations: [...]` patches the workload).
			whole := t.Strategy == "jsonPatch" || t.Strategy == "jsonMergePatch"
			if inner := shorthand(x); ok && whole && p == "patchOutputs" && inner != nil {
				// `patchOutputs: svc: {...}`: the patch of output svc.
				n, _, _ := ast.LabelName(inner.Label)
				p += "." + n
				x = inner
			}
			for inner := shorthand(x); ok && !whole && inner != nil; inner = shorthand(inner) {
				n, _, err := ast.LabelName(inner.Label)
				if err != nil {
					break
				}
				p += "." + n
				x = inner
			}
			if ok {
				prev := tags[p]
				if t.PatchKey == "" {
					t.PatchKey = prev.PatchKey
				}
				if t.Strategy == "" {
					t.Strategy = prev.Strategy
				}
				tags[p] = t
			}
			walk(x.Value, p)
		case *ast.StructLit:
			walkDecls(x.Elts, path)
		case *ast.ListLit:
			for _, e := range x.Elts {
				walk(e, path+"[]")
			}
		case *ast.Ellipsis:
			if x.Type != nil {
				walk(x.Type, path)
			}
		case *ast.Comprehension:
			walk(x.Value, path)
		case *ast.EmbedDecl:
			walk(x.Expr, path)
		case *ast.BinaryExpr:
			walk(x.X, path)
			walk(x.Y, path)
		case *ast.ParenExpr:
			walk(x.X, path)
		}
	}
	walk(template, "")
	return tags
}

func parseTag(groups []*ast.CommentGroup) (Tag, bool) {
	var t Tag
	found := false
	for _, cg := range groups {
		for _, c := range cg.List {
			text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
			if v, ok := strings.CutPrefix(text, "+patchKey="); ok {
				t.PatchKey, found = strings.TrimSpace(v), true
			}
			if v, ok := strings.CutPrefix(text, "+patchStrategy="); ok {
				t.Strategy, found = strings.TrimSpace(v), true
			}
		}
	}
	return t, found
}

// shorthand returns b when f is written `a: b: ...` (no braces).
func shorthand(f *ast.Field) *ast.Field {
	s, ok := f.Value.(*ast.StructLit)
	if !ok || s.Lbrace.IsValid() || len(s.Elts) != 1 {
		return nil
	}
	inner, _ := s.Elts[0].(*ast.Field)
	return inner
}
