package definition

import (
	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/ast/astutil"

	"github.com/oamc/oamc/compiler/value"
)

// contextRefs is what a definition reads of its context. Filling only that
// keeps a render from compiling data the template never looks at (the
// workload, the app's component list): a trivial trait renders ~3x faster.
type contextRefs struct {
	all        bool            // context is used whole, or in a way not followed
	fields     map[string]bool // context.<field> references
	inTemplate bool            // the template declares its own context field
}

func collectContextRefs(f *ast.File) contextRefs {
	r := contextRefs{fields: map[string]bool{}}
	astutil.Apply(f, func(c astutil.Cursor) bool {
		id, ok := c.Node().(*ast.Ident)
		if !ok || id.Name != contextField {
			return true
		}
		switch p := c.Parent().Node().(type) {
		case *ast.Field:
			if p.Label == ast.Label(id) {
				return true // a declaration, not a reference
			}
		case *ast.SelectorExpr:
			if p.X == ast.Expr(id) {
				if name, _, err := ast.LabelName(p.Sel); err == nil {
					r.fields[name] = true
					return true
				}
			}
		}
		r.all = true
		return true
	}, nil)
	return r
}

var (
	parameterPath = cue.ParsePath("template.parameter")
	templatePath  = cue.ParsePath("template")
)

// Uses reports whether the template reads context.<field>.
func (d *Definition) Uses(field string) bool {
	return d.refs.all || d.refs.fields[field]
}

// Fill gives the compiled template its context (only the fields it reads,
// from Go data) and parameter, and returns the template. The inputs are put
// together first and unified with the definition once: every FillPath on
// the definition would evaluate all of it again.
func (c *Compiled) Fill(context map[string]any, props cue.Value) cue.Value {
	used := make(map[string]any, len(context))
	for name, x := range context {
		if c.Def.Uses(name) {
			used[name] = x
		}
	}
	ctx := c.Root.Context()
	if c.Def.refs.inTemplate {
		// The template alone: the rest of the file is not evaluated again.
		in := value.FromGo(ctx, map[string]any{contextField: used}).FillPath(cue.MakePath(cue.Str("parameter")), props)
		return c.Template.Unify(in)
	}
	v := value.FromGo(ctx, map[string]any{contextField: used}).FillPath(parameterPath, props)
	return c.Root.Unify(v).LookupPath(templatePath)
}
