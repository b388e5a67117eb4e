package definition

import (
	"sort"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// listAlias is the import name under which rewritten list arithmetic calls
// the standard "list" package.
const listAlias = "oamclist"

type edit struct {
	start, end int
	text       string
}

// rewriteListArithmetic rewrites KubeVela's old list arithmetic, which
// current CUE rejects: `[a] + b` becomes list.Concat([[a], b]) and
// `[a] * n` becomes list.Repeat([a], n), as KubeVela does before compiling.
// Only expressions with a list literal operand are rewritten; the edits stay
// on their own lines so every other position is unchanged. Outermost
// expressions are rewritten first and the result parsed again, so nested
// ones (`a + [b] * 2`) are rewritten too.
func rewriteListArithmetic(f *ast.File, src []byte) []byte {
	changed := false
	for range 16 { // each round removes a level of nesting
		edits := listEdits(f, src)
		if len(edits) == 0 {
			break
		}
		src = apply(src, edits)
		changed = true
		g, err := parser.ParseFile(f.Filename, src, parser.ParseComments)
		if err != nil {
			break // the compile step reports it
		}
		f = g
	}
	if !changed {
		return src
	}
	// The import goes in front of the first declaration after the package
	// clause, on the same line, so no line moves.
	at := 0
	for _, d := range f.Decls {
		if _, ok := d.(*ast.Package); ok {
			continue
		}
		if _, ok := d.(*ast.Attribute); ok {
			continue
		}
		at = d.Pos().Offset()
		break
	}
	return apply(src, []edit{{at, at, "import " + listAlias + " \"list\", "}})
}

// listEdits finds the outermost list arithmetic expressions.
func listEdits(f *ast.File, src []byte) []edit {
	var edits []edit
	ast.Walk(f, func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryExpr)
		if !ok {
			return true
		}
		switch b.Op {
		case token.ADD:
			ops := flattenAdd(b)
			if !anyList(ops) {
				return true
			}
			parts := make([]string, len(ops))
			for i, o := range ops {
				parts[i] = text(src, o)
			}
			edits = append(edits, edit{b.Pos().Offset(), b.End().Offset(), listAlias + ".Concat([" + strings.Join(parts, ", ") + "])"})
			return false
		case token.MUL:
			l, n := b.X, b.Y
			if _, ok := l.(*ast.ListLit); !ok {
				l, n = n, l
			}
			if _, ok := l.(*ast.ListLit); !ok {
				return true
			}
			edits = append(edits, edit{b.Pos().Offset(), b.End().Offset(), listAlias + ".Repeat(" + text(src, l) + ", " + text(src, n) + ")"})
			return false
		}
		return true
	}, nil)
	return edits
}

// apply makes non-overlapping edits, last first so offsets stay valid.
func apply(src []byte, edits []edit) []byte {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := append([]byte(nil), src...)
	for _, e := range edits {
		out = append(out[:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

func flattenAdd(x ast.Expr) []ast.Expr {
	if b, ok := x.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		return append(flattenAdd(b.X), flattenAdd(b.Y)...)
	}
	return []ast.Expr{x}
}

func anyList(xs []ast.Expr) bool {
	for _, x := range xs {
		if _, ok := x.(*ast.ListLit); ok {
			return true
		}
	}
	return false
}

func text(src []byte, x ast.Expr) string {
	return string(src[x.Pos().Offset():x.End().Offset()])
}
