// Package check checks an application's properties against a definition's
// parameter schema before anything is rendered, and says what was expected
// and what was found, at the user's line.
package check

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/token"

	"github.com/oamc/oamc/compiler/definition"
	"github.com/oamc/oamc/compiler/diag"
	"github.com/oamc/oamc/compiler/value"
)

// Subject names what is being checked, for messages: `component "web"
// (webservice)` or `trait "scaler" of component "web"`.
type Subject struct {
	What     string
	Def      *definition.Definition
	PropsPos diag.Pos // where the properties are, for missing ones
	At       diag.Pos // the component or trait entry in the app
}

// Properties checks props against a definition's closed parameter schema.
// It reports unknown properties with a "did you mean", wrong types,
// violated constraints, and then missing required properties.
func Properties(schema, props cue.Value, s Subject) diag.List {
	u := schema.Unify(props)
	incomplete := u.Validate(cue.Concrete(true))
	if incomplete == nil {
		return nil // the common case: one pass
	}
	// Unknown properties, wrong types and constraints first: a value that
	// is wrong also reads as missing, and one message per mistake is enough.
	// CUE leaves out "field not allowed" when a struct has other errors, so
	// unknown properties are looked for on their own, on the properties'
	// shape (every value replaced by _).
	errs := report(schema.Unify(shape(props)).Validate(), schema, props, s, false)
	seen := map[diag.Pos]bool{}
	for _, e := range errs {
		seen[e.Pos] = true
	}
	for _, e := range report(u.Validate(), schema, props, s, false) {
		if !seen[e.Pos] {
			errs = append(errs, e)
		}
	}
	if len(errs) == 0 {
		errs = report(incomplete, schema, props, s, true)
	}
	errs.Sort()
	return errs
}

// shape returns props with the same fields and list items, every other
// value replaced by top, keeping positions. The app's syntax is copied, not
// changed: the same document may be compiled again.
func shape(props cue.Value) cue.Value {
	var x ast.Expr
	switch src := props.Source().(type) {
	case ast.Expr:
		x = src
	case *ast.File:
		x = &ast.StructLit{Elts: src.Decls}
	case *ast.Field:
		x = src.Value
	default:
		return props
	}
	return props.Context().BuildExpr(shapeOf(x))
}

func shapeOf(x ast.Expr) ast.Expr {
	switch x := x.(type) {
	case *ast.StructLit:
		c := *x
		c.Elts = make([]ast.Decl, len(x.Elts))
		for i, d := range x.Elts {
			if f, ok := d.(*ast.Field); ok {
				fc := *f
				fc.Value = shapeOf(f.Value)
				d = &fc
			}
			c.Elts[i] = d
		}
		return &c
	case *ast.ListLit:
		c := *x
		c.Elts = make([]ast.Expr, len(x.Elts))
		for i, e := range x.Elts {
			c.Elts[i] = shapeOf(e)
		}
		return &c
	}
	top := ast.NewIdent("_")
	top.NamePos = x.Pos()
	return top
}

func report(err error, schema, props cue.Value, s Subject, incomplete bool) diag.List {
	if err == nil {
		return nil
	}
	var out diag.List
	seen := map[string]bool{}
	for _, e := range errors.Errors(err) {
		path := trimPath(e.Path())
		key := strings.Join(path, ".")
		if seen[key] {
			continue // one message per property: disjunctions repeat themselves
		}
		seen[key] = true
		if incomplete && defaultsFromContext(schema, props, path) {
			continue
		}
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		out = append(out, describe(path, msg, schema, props, s, incomplete))
	}
	return out
}

// defaultsFromContext reports an absent property whose default the
// definition computes from context (`*context.name | string`): context is
// known only when rendering, so it is not missing.
func defaultsFromContext(schema, props cue.Value, path []string) bool {
	if props.LookupPath(cuePath(path, false)).Exists() {
		return false
	}
	// Default() says nothing of a default that is not concrete yet, so
	// the definition's own text is read for the `*` that marks one.
	hasDefault := false
	if src := schema.LookupPath(cuePath(path, true)).Source(); src != nil {
		ast.Walk(src, func(n ast.Node) bool {
			if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.MUL {
				hasDefault = true
			}
			return !hasDefault
		}, nil)
	}
	return hasDefault
}

// trimPath drops the schema's own name from an error path.
func trimPath(p []string) []string {
	for i, s := range p {
		if s == "#oamcParameter" {
			return p[i+1:]
		}
	}
	return p
}

func describe(path []string, msg string, schema, props cue.Value, s Subject, incomplete bool) *diag.Diagnostic {
	name := display(path)
	got := props.LookupPath(cuePath(path, false))
	want := schema.LookupPath(cuePath(path, true))
	defNote := fmt.Sprintf("%s %q is defined at %s", s.Def.Type, s.Def.Name, s.Def.Pos)
	if p := s.Def.ParameterPos(); p.IsValid() {
		defNote = fmt.Sprintf("%s %q declares its parameters at %s", s.Def.Type, s.Def.Name, p)
	}
	if w := value.Pos(want); w.IsValid() {
		defNote = fmt.Sprintf("%s %q expects it at %s", s.Def.Type, s.Def.Name, w)
	}
	switch {
	case strings.Contains(msg, "field not allowed"):
		parent := schema.LookupPath(cuePath(path[:len(path)-1], true))
		d := diag.Errorf(value.Pos(got), "%s: unknown property %q", s.What, name)
		known := fieldNames(parent)
		if hint := diag.DidYouMean(path[len(path)-1], known); hint != "" {
			d.Note("%s", hint)
		} else if len(known) > 0 {
			d.Note("known properties here: %s", strings.Join(known, ", "))
		}
		return d.Note("%s", defNote)
	case incomplete && !got.Exists():
		at := s.PropsPos
		if len(path) > 1 {
			if parent := props.LookupPath(cuePath(path[:len(path)-1], false)); parent.Exists() {
				at = value.Pos(parent)
			}
		}
		return diag.Errorf(at, "%s: missing required property %q (expected %s)", s.What, name, expected(want)).Note("%s", defNote)
	case !got.Exists():
		// An error the definition itself raises from the given properties.
		return diag.Errorf(s.PropsPos, "%s: %s: %s", s.What, name, msg).Note("%s", defNote)
	}
	return diag.Errorf(value.Pos(got), "%s: property %q: expected %s, found %s", s.What, name, expected(want), value.Describe(got)).Note("%s", defNote)
}

// cuePath makes a path; in the schema, list indexes become "any element".
func cuePath(path []string, schema bool) cue.Path {
	sels := make([]cue.Selector, 0, len(path))
	for _, p := range path {
		if i, err := strconv.Atoi(p); err == nil {
			if schema {
				sels = append(sels, cue.AnyIndex)
			} else {
				sels = append(sels, cue.Index(i))
			}
			continue
		}
		if schema {
			sels = append(sels, cue.Str(p).Optional()) // finds optional and regular fields
		} else {
			sels = append(sels, cue.Str(p))
		}
	}
	return cue.MakePath(sels...)
}

// display writes a property path as the user writes it: ports[0].port.
func display(path []string) string {
	var b strings.Builder
	for _, p := range path {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteString(".")
		}
		b.WriteString(p)
	}
	return b.String()
}

func fieldNames(v cue.Value) []string {
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil
	}
	var names []string
	for it.Next() {
		names = append(names, it.Selector().Unquoted())
	}
	sort.Strings(names)
	return names
}

// expected describes a schema briefly: its CUE expression when short.
func expected(v cue.Value) string {
	if !v.Exists() {
		return "a value"
	}
	switch v.IncompleteKind() {
	case cue.StructKind:
		return "a mapping"
	case cue.ListKind:
		return "a list"
	}
	// The definition's own text says it best: `*1 | int & >=0`, not the
	// evaluated `*1 | uint`.
	s := strings.Join(strings.Fields(fmt.Sprint(v)), " ")
	if src := v.Source(); src != nil {
		if f, ok := src.(*ast.Field); ok {
			src = f.Value
		}
		if b, err := format.Node(src); err == nil {
			s = strings.Join(strings.Fields(string(b)), " ")
		}
	}
	if len(s) > 80 || s == "" {
		return v.IncompleteKind().String()
	}
	return s
}
