package definition

import (
	"slices"
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

// listEdits finds the outermost list arithmetic expressions: operands that
// are list literals, or references to fields declared as lists (KubeVela
// tracks those the same way).
func listEdits(f *ast.File, src []byte) []edit {
	lists := listFields(f)
	isList := func(x ast.Expr) bool {
		if _, ok := x.(*ast.ListLit); ok {
			return true
		}
		ref := refPath(x)
		if ref == "" {
			return false
		}
		for p := range lists {
			if p == ref || strings.HasSuffix(p, "."+ref) {
				return true
			}
		}
		return false
	}
	var edits []edit
	ast.Walk(f, func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryExpr)
		if !ok {
			return true
		}
		switch b.Op {
		case token.ADD:
			ops := flattenAdd(b)
			if !slices.ContainsFunc(ops, isList) {
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
			if !isList(l) {
				l, n = n, l
			}
			if !isList(l) {
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

// listFields lists the dotted paths of fields whose value is written as a
// list: a list literal or type, a default or disjunction of them, or a call
// of the list package.
func listFields(f *ast.File) map[string]bool {
	out := map[string]bool{}
	var walk func(decls []ast.Decl, path string)
	walk = func(decls []ast.Decl, path string) {
		for _, d := range decls {
			switch x := d.(type) {
			case *ast.Field:
				name, _, err := ast.LabelName(x.Label)
				if err != nil {
					continue
				}
				p := name
				if path != "" {
					p = path + "." + name
				}
				if listExpr(x.Value) {
					out[p] = true
				}
				if s, ok := x.Value.(*ast.StructLit); ok {
					walk(s.Elts, p)
				}
			case *ast.Comprehension:
				if s, ok := x.Value.(*ast.StructLit); ok {
					walk(s.Elts, path)
				}
			case *ast.EmbedDecl:
				if s, ok := x.Expr.(*ast.StructLit); ok {
					walk(s.Elts, path)
				}
			}
		}
	}
	walk(f.Decls, "")
	return out
}

func listExpr(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.ListLit:
		return true
	case *ast.UnaryExpr:
		return listExpr(x.X)
	case *ast.ParenExpr:
		return listExpr(x.X)
	case *ast.BinaryExpr:
		if x.Op == token.OR || x.Op == token.AND {
			return listExpr(x.X) || listExpr(x.Y)
		}
	case *ast.CallExpr:
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && (id.Name == "list" || id.Name == listAlias) {
				return true
			}
		}
	}
	return false
}

// refPath writes a reference such as parameter.cmd as a dotted path, or ""
// for anything else.
func refPath(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		base := refPath(x.X)
		name, _, err := ast.LabelName(x.Sel)
		if base == "" || err != nil {
			return ""
		}
		return base + "." + name
	case *ast.ParenExpr:
		return refPath(x.X)
	}
	return ""
}

func text(src []byte, x ast.Expr) string {
	return string(src[x.Pos().Offset():x.End().Offset()])
}
