// Package definition loads component, trait and policy definitions written in
// KubeVela's CUE format (or as KubeVela ComponentDefinition / TraitDefinition
// YAML) and prepares them for offline rendering.
package definition

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"

	"github.com/oamc/oamc/compiler/diag"
)

// Type is what a definition defines.
type Type string

const (
	Component    Type = "component"
	Trait        Type = "trait"
	Policy       Type = "policy"
	WorkflowStep Type = "workflow-step"
)

// Names of the fields the loader adds to every definition: the context the
// template reads, and a closed copy of its parameter so that unknown
// properties are errors (KubeVela leaves parameter open).
const (
	closedParameter = "#oamcParameter"
	contextField    = "context"
)

// Workload names the kind of object a component definition renders.
type Workload struct {
	APIVersion string
	Kind       string
	Type       string // e.g. "deployments.apps"
}

// Definition is one loaded definition, ready to compile.
type Definition struct {
	Name        string
	Type        Type
	Description string
	File        string   // as reported in messages
	Pos         diag.Pos // of the definition's header
	Workload    Workload
	// AppliesToWorkloads and ConflictsWith are enforced for traits.
	AppliesToWorkloads []string
	ConflictsWith      []string
	PodDisruptive      bool
	Labels             map[string]string
	Annotations        map[string]string

	// Unsupported is set when the definition cannot work offline (it imports
	// a KubeVela provider); using it is an error, loading it is not.
	Unsupported    string
	unsupportedPos diag.Pos

	src          []byte         // CUE source, with a top-level context added when needed
	schemaSrc    []byte         // src with the parameter's empty structs opened
	hasParameter bool           // the template declares parameter
	tags         map[string]Tag // patch tags by field path below template
	parameterPos diag.Pos       // of the template's parameter field
	refs         contextRefs    // what the template reads of context
}

// Compiled is a definition compiled in one CUE context.
type Compiled struct {
	Def *Definition
	// Root is the file's value: fill "context" (see FillContext) and
	// "template.parameter", then read "template".
	Root cue.Value
	// Template is Root's template, evaluated alone when it holds its context.
	Template cue.Value
	// Schema is the template's parameter, closed: unknown properties fail.
	Schema cue.Value
}

// Compile compiles the definition in ctx.
func (d *Definition) Compile(ctx *cue.Context) (*Compiled, error) {
	if d.Unsupported != "" {
		return nil, diag.Errorf(d.unsupportedPos, "%s", d.Unsupported)
	}
	root := ctx.CompileBytes(d.src, cue.Filename(d.File))
	if err := root.Err(); err != nil {
		return nil, FromCUE(err, fmt.Sprintf("definition %q does not compile", d.Name), d.Pos)
	}
	// The closed copy is compiled apart, so that rendering never pays for it.
	closed := closedParameter + ": {}\n"
	if d.hasParameter {
		closed = closedParameter + ": template.parameter\n"
	}
	schema := ctx.CompileBytes(append(append([]byte(nil), d.schemaSrc...), closed...), cue.Filename(d.File))
	if err := schema.Err(); err != nil {
		return nil, FromCUE(err, fmt.Sprintf("definition %q does not compile", d.Name), d.Pos)
	}
	return &Compiled{Def: d, Root: root, Template: root.LookupPath(templatePath), Schema: schema.LookupPath(cue.ParsePath(closedParameter))}, nil
}

// ParameterPos is where the template declares its parameter, if it does.
func (d *Definition) ParameterPos() diag.Pos { return d.parameterPos }

// RaisedAt reports whether position p of the compiled source is a call of
// error(): a message the definition's author wrote for the app's author.
func (d *Definition) RaisedAt(p diag.Pos) bool {
	if p.File != d.File || p.Line < 1 {
		return false
	}
	lines := strings.SplitN(string(d.src), "\n", p.Line+1)
	if p.Line > len(lines) || p.Col < 1 || p.Col > len(lines[p.Line-1]) {
		return false
	}
	return strings.HasPrefix(lines[p.Line-1][p.Col-1:], "error(")
}

// Autodetect is the workload type of components whose workload kind is
// known only once rendered (k8s-objects, cron-task in KubeVela).
const Autodetect = "autodetects.core.oam.dev"

// WorkloadType is how traits name this component's workload in
// appliesToWorkloads: the explicit type, else "<plural kind>.<group>";
// "" when only the rendered workload can tell.
func (d *Definition) WorkloadType() string {
	if d.Workload.Type != "" && d.Workload.Type != Autodetect {
		return d.Workload.Type
	}
	return ResourceType(d.Workload.APIVersion, d.Workload.Kind)
}

// ResourceType is "<plural kind>.<group>" (or "<plural kind>" for the core
// group), as KubeVela names workload types: "deployments.apps".
func ResourceType(apiVersion, kind string) string {
	if kind == "" {
		return ""
	}
	plural := plural(strings.ToLower(kind))
	if i := strings.Index(apiVersion, "/"); i >= 0 {
		return plural + "." + apiVersion[:i]
	}
	return plural
}

// plural follows the rules Kubernetes uses for the resource names of kinds.
func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "z"),
		strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	}
	return s + "s"
}

// FromCUE turns a CUE error into diagnostics, each at its first position.
func FromCUE(err error, context string, fallback diag.Pos) diag.List {
	var out diag.List
	for _, e := range errors.Errors(err) {
		p := fallback
		if ps := errors.Positions(e); len(ps) > 0 {
			p = diag.FromToken(ps[0])
		}
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if path := strings.Join(e.Path(), "."); path != "" {
			msg = path + ": " + msg
		}
		d := diag.Errorf(p, "%s: %s", context, msg)
		if ps := errors.Positions(e); len(ps) > 1 {
			for _, q := range ps[1:] {
				d.Note("see %s", diag.FromToken(q))
			}
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		out = append(out, diag.Errorf(fallback, "%s: %v", context, err))
	}
	return out
}

// LoadFS reads every *.cue definition and every *.yaml/*.yml definition
// object below root in fsys, in name order. Files are reported as
// prefix + their path below root.
func LoadFS(ctx *cue.Context, fsys fs.FS, root, prefix string) ([]*Definition, error) {
	var files []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch path.Ext(p) {
		case ".cue", ".yaml", ".yml":
			if !strings.HasSuffix(p, "_test.cue") {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, diag.List{diag.Errorf(diag.Pos{File: prefix}, "cannot read definitions: %v", err)}
	}
	sort.Strings(files)
	var defs []*Definition
	var errs diag.List
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		name := prefix + strings.TrimPrefix(strings.TrimPrefix(f, root), "/")
		if err != nil {
			errs = append(errs, diag.Errorf(diag.Pos{File: name}, "cannot read definition: %v", err))
			continue
		}
		var d *Definition
		var derr error
		if path.Ext(f) == ".cue" {
			d, derr = ParseCUE(ctx, name, data)
		} else {
			d, derr = ParseYAML(ctx, name, data)
		}
		if derr != nil {
			errs = append(errs, diag.AsList(derr)...)
			continue
		}
		defs = append(defs, d)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return defs, nil
}

// ParseCUE reads one definition in KubeVela's CUE format: imports, a header
// `"<name>": {type: ..., attributes: ...}` and `template: {...}`.
func ParseCUE(ctx *cue.Context, name string, src []byte) (*Definition, error) {
	f, err := parser.ParseFile(name, src, parser.ParseComments)
	if err != nil {
		// Only the first: the parser's later errors are mostly echoes of it.
		return nil, FromCUE(errors.Errors(err)[0], "definition has a syntax error", diag.Pos{File: name})
	}
	var header, template *ast.Field
	var topContext bool
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.Field)
		if !ok {
			continue
		}
		label, _, _ := ast.LabelName(fd.Label)
		switch {
		case label == "template":
			template = fd
		case label == contextField:
			topContext = true
		case header == nil && !strings.HasPrefix(label, "#") && !strings.HasPrefix(label, "_"):
			header = fd
		}
	}
	pos := diag.Pos{File: name, Line: 1, Col: 1}
	if header == nil {
		return nil, diag.List{diag.Errorf(pos, "no definition header: expected `\"<name>\": {type: \"component\"|\"trait\"|\"policy\"|\"workflow-step\", ...}`")}
	}
	if template == nil {
		return nil, diag.List{diag.Errorf(pos, "no template: expected `template: {...}` beside the header")}
	}
	d, err := parseHeader(ctx, name, header)
	if err != nil {
		return nil, err
	}
	if u, pos := unsupportedImports(f); u != "" {
		d.Unsupported = fmt.Sprintf("definition %q %s", d.Name, u)
		d.unsupportedPos = pos
	}
	d.tags = collectTags(template.Value)
	d.hasParameter = hasField(template, "parameter")
	if pf := field(template, "parameter"); pf != nil {
		d.parameterPos = diag.FromToken(pf.Pos())
	}
	d.refs = collectContextRefs(f)
	d.refs.inTemplate = hasField(template, contextField)
	// KubeVela injects context. Inside the template (right after its brace,
	// so that no line moves), a render evaluates the template alone, not
	// the header and whatever else the file holds.
	if s, ok := template.Value.(*ast.StructLit); ok && !d.refs.inTemplate && !topContext && s.Lbrace.IsValid() {
		at := s.Lbrace.Offset() + 1
		src = apply(src, []edit{{at, at, contextField + ": _, "}})
		d.refs.inTemplate = true
		if f, err = parser.ParseFile(name, src, parser.ParseComments); err != nil {
			return nil, FromCUE(errors.Errors(err)[0], "definition has a syntax error", diag.Pos{File: name})
		}
	}
	if rewritten := rewriteListArithmetic(f, src); len(rewritten) != len(src) {
		src = rewritten
		if f, err = parser.ParseFile(name, src); err != nil {
			return nil, FromCUE(errors.Errors(err)[0], "definition has a syntax error", diag.Pos{File: name})
		}
	}
	d.schemaSrc = openEmptyStructs(f, src)
	if !d.refs.inTemplate && !topContext {
		// Appended, so the offsets openEmptyStructs used stay right.
		tail := "\n" + contextField + ": _\n"
		src = append(append([]byte(nil), src...), tail...)
		d.schemaSrc = append(append([]byte(nil), d.schemaSrc...), tail...)
	}
	d.src = src
	return d, nil
}

// openEmptyStructs writes `{...}` for each `{}` in the template's parameter.
// The closed copy of parameter would make `objects: [...{}]` (KubeVela's
// k8s-objects) refuse every field, where its author meant "any object".
func openEmptyStructs(f *ast.File, src []byte) []byte {
	var edits []edit
	for _, decl := range f.Decls {
		tf, ok := decl.(*ast.Field)
		if !ok || label(tf) != "template" {
			continue
		}
		ts, ok := tf.Value.(*ast.StructLit)
		if !ok {
			continue
		}
		for _, e := range ts.Elts {
			pf, ok := e.(*ast.Field)
			if !ok || label(pf) != "parameter" {
				continue
			}
			ast.Walk(pf.Value, func(n ast.Node) bool {
				if s, ok := n.(*ast.StructLit); ok && len(s.Elts) == 0 && s.Lbrace.IsValid() {
					at := s.Lbrace.Offset() + 1
					edits = append(edits, edit{at, at, "..."})
				}
				return true
			}, nil)
		}
	}
	if len(edits) == 0 {
		return src
	}
	return apply(src, edits)
}

func label(f *ast.Field) string {
	l, _, _ := ast.LabelName(f.Label)
	return l
}

// hasField reports whether the struct value of f declares name; a value
// that is not a struct literal may declare anything.
func hasField(f *ast.Field, name string) bool {
	if _, ok := f.Value.(*ast.StructLit); !ok {
		return true
	}
	return field(f, name) != nil
}

// field returns the field name declared directly in f's struct literal.
func field(f *ast.Field, name string) *ast.Field {
	s, ok := f.Value.(*ast.StructLit)
	if !ok {
		return nil
	}
	for _, e := range s.Elts {
		if fd, ok := e.(*ast.Field); ok && label(fd) == name {
			return fd
		}
	}
	return nil
}

// unsupportedImports names an import that cannot work offline, and where it is.
func unsupportedImports(f *ast.File) (string, diag.Pos) {
	for spec := range f.ImportSpecs() {
		p := strings.Trim(spec.Path.Value, `"`)
		switch {
		case strings.HasPrefix(p, "vela/"):
			return fmt.Sprintf("imports %q, a KubeVela provider that needs a running cluster; oamc renders offline and cannot run it", p), diag.FromToken(spec.Pos())
		case strings.Contains(strings.Split(p, "/")[0], "."):
			return fmt.Sprintf("imports %q, a CUE module package; definitions may import only the CUE standard library", p), diag.FromToken(spec.Pos())
		}
	}
	return "", diag.Pos{}
}
