// Package appspec decodes an OAM Application (core.oam.dev/v1beta1) from a
// YAML document, keeping the position of each part so that later stages can
// point at the user's line. It checks the Application's own shape; checking
// properties against definitions is the compiler's job.
package appspec

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"cuelang.org/go/cue"

	"github.com/oamc/oamc/compiler/diag"
	"github.com/oamc/oamc/compiler/source"
	"github.com/oamc/oamc/compiler/value"
)

// APIVersion and Kind identify an Application document.
const (
	APIVersion = "core.oam.dev/v1beta1"
	Kind       = "Application"
)

// Application is one decoded Application.
type Application struct {
	File        string
	Pos         diag.Pos
	Name        string
	Namespace   string // "default" when unset
	Labels      map[string]string
	Annotations map[string]string
	Components  []*Component
	Policies    []*Policy
	Workflow    cue.Value // kept for later stages; not interpreted yet
	Value       cue.Value // the whole document
}

// Component is one entry of spec.components.
type Component struct {
	Name       string
	Type       string
	Pos        diag.Pos // of the component's entry
	TypePos    diag.Pos
	Properties cue.Value // an empty struct when the app gives none
	PropsPos   diag.Pos  // of "properties", or of the entry when absent
	Traits     []*Trait
	Data       map[string]any // the entry as plain data, for context.components
}

// Trait is one entry of a component's traits.
type Trait struct {
	Type       string
	Pos        diag.Pos
	TypePos    diag.Pos
	Properties cue.Value
	PropsPos   diag.Pos
}

// Policy is one entry of spec.policies.
type Policy struct {
	Name       string
	Type       string
	Pos        diag.Pos
	Properties cue.Value
}

var (
	appKeys       = []string{"apiVersion", "kind", "metadata", "spec", "status"}
	specKeys      = []string{"components", "policies", "workflow"}
	componentKeys = []string{"name", "type", "properties", "traits", "dependsOn", "inputs", "outputs", "externalRevision", "scopes"}
	traitKeys     = []string{"type", "properties"}
	policyKeys    = []string{"name", "type", "properties"}
	// dnsLabel is what Kubernetes accepts as a name that becomes part of object names.
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

// Decode checks one document's shape and decodes it. The document is built
// in ctx so that its properties can be unified with definitions compiled there.
func Decode(ctx *cue.Context, doc source.Document) (*Application, diag.List) {
	v := ctx.BuildExpr(doc.Expr, cue.Filename(doc.File))
	d := &decoder{}
	app := &Application{File: doc.File, Pos: value.Pos(v), Value: v, Namespace: "default"}
	if !app.Pos.IsValid() {
		app.Pos = diag.Pos{File: doc.File}
	}
	if err := v.Err(); err != nil {
		return nil, diag.List{diag.Errorf(app.Pos, "document %d: %v", doc.Index+1, err)}
	}
	if v.IncompleteKind() != cue.StructKind {
		return nil, diag.List{diag.Errorf(app.Pos, "expected an Application (a mapping with apiVersion: %s, kind: %s), found %s", APIVersion, Kind, value.Describe(v))}
	}
	// Another kind of object is told so before its fields are judged as an
	// Application's; a typo in "kind" itself gets its "did you mean".
	if k := v.LookupPath(cue.ParsePath("kind")); k.Exists() {
		if kind, err := k.String(); err == nil && kind != Kind {
			d := diag.Errorf(value.Pos(k), "expected kind %q, found %q: oamc renders Applications (%s)", Kind, kind, APIVersion)
			if strings.HasSuffix(kind, "Definition") {
				d.Note("definitions are read from folders given with -d, not as inputs")
			}
			return nil, diag.List{d}
		}
	}
	d.keys(v, appKeys, "Application")
	apiVersion := d.str(v, "apiVersion", true)
	kind := d.str(v, "kind", true)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	if kind != Kind {
		return nil, diag.List{diag.Errorf(d.pos(v, "kind"), "expected kind %q, found %q: oamc renders Applications (%s)", Kind, kind, APIVersion)}
	}
	if apiVersion != APIVersion {
		return nil, diag.List{diag.Errorf(d.pos(v, "apiVersion"), "expected apiVersion %q, found %q", APIVersion, apiVersion)}
	}
	meta := v.LookupPath(cue.ParsePath("metadata"))
	if !meta.Exists() {
		if !d.wasSuggested(v, "metadata") {
			d.errorf(app.Pos, "Application has no metadata: expected metadata.name")
		}
	} else {
		app.Name = d.str(meta, "name", true)
		if ns := d.str(meta, "namespace", false); ns != "" {
			app.Namespace = ns
		}
		app.Labels = d.strMap(meta, "labels")
		app.Annotations = d.strMap(meta, "annotations")
	}
	spec := v.LookupPath(cue.ParsePath("spec"))
	if !spec.Exists() {
		if !d.wasSuggested(v, "spec") {
			d.errorf(app.Pos, "Application %q has no spec: expected spec.components", app.Name)
		}
		return nil, d.errs
	}
	d.keys(spec, specKeys, "spec")
	app.Workflow = spec.LookupPath(cue.ParsePath("workflow"))
	comps := d.list(spec, "components", true)
	seen := map[string]diag.Pos{}
	for _, c := range comps {
		comp := d.component(c)
		if comp == nil {
			continue
		}
		if prev, ok := seen[comp.Name]; ok {
			d.errs = append(d.errs, diag.Errorf(comp.Pos, "duplicate component name %q", comp.Name).Note("first defined at %s", prev))
			continue
		}
		seen[comp.Name] = comp.Pos
		app.Components = append(app.Components, comp)
	}
	if len(comps) == 0 && len(d.errs) == 0 {
		d.errorf(d.pos(spec, "components"), "Application %q has no components", app.Name)
	}
	for _, p := range d.list(spec, "policies", false) {
		d.keys(p, policyKeys, "policy")
		app.Policies = append(app.Policies, &Policy{
			Name:       d.str(p, "name", true),
			Type:       d.str(p, "type", true),
			Pos:        value.Pos(p),
			Properties: p.LookupPath(cue.ParsePath("properties")),
		})
	}
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	return app, nil
}

func (d *decoder) component(c cue.Value) *Component {
	n := len(d.errs)
	if c.IncompleteKind() != cue.StructKind {
		d.errorf(value.Pos(c), "expected a component (a mapping with name, type and properties), found %s", value.Describe(c))
		return nil
	}
	d.keys(c, componentKeys, "component")
	comp := &Component{
		Name:    d.str(c, "name", true),
		Type:    d.str(c, "type", true),
		Pos:     value.Pos(c),
		TypePos: d.pos(c, "type"),
	}
	if comp.Name != "" && (!dnsLabel.MatchString(comp.Name) || len(comp.Name) > 63) {
		d.errorf(d.pos(c, "name"), "component name %q is not a valid Kubernetes name: expected at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit", comp.Name)
	}
	comp.Properties, comp.PropsPos = d.props(c, comp.Pos)
	for _, t := range d.list(c, "traits", false) {
		if t.IncompleteKind() != cue.StructKind {
			d.errorf(value.Pos(t), "expected a trait (a mapping with type and properties), found %s", value.Describe(t))
			continue
		}
		d.keys(t, traitKeys, "trait")
		tr := &Trait{Type: d.str(t, "type", true), Pos: value.Pos(t), TypePos: d.pos(t, "type")}
		tr.Properties, tr.PropsPos = d.props(t, tr.Pos)
		comp.Traits = append(comp.Traits, tr)
	}
	if len(d.errs) > n {
		return nil
	}
	data, err := value.ToGo(c)
	if err != nil {
		d.errorf(comp.Pos, "component %q: %v", comp.Name, err)
		return nil
	}
	comp.Data = data.(map[string]any)
	return comp
}

type decoder struct {
	errs diag.List
	// suggested holds, per mapping, the names a "did you mean" already
	// offered, so that a typo is not also reported as the field it meant
	// being missing.
	suggested map[string]bool
}

func suggestKey(v cue.Value, name string) string { return value.Pos(v).String() + "\x00" + name }

func (d *decoder) wasSuggested(v cue.Value, name string) bool {
	return d.suggested[suggestKey(v, name)]
}

func (d *decoder) errorf(p diag.Pos, format string, args ...any) {
	d.errs = append(d.errs, diag.Errorf(p, format, args...))
}

// pos is the position of field f of v, or of v when f is absent.
func (d *decoder) pos(v cue.Value, f string) diag.Pos {
	if x := v.LookupPath(cue.MakePath(cue.Str(f))); x.Exists() {
		return value.Pos(x)
	}
	return value.Pos(v)
}

func (d *decoder) str(v cue.Value, f string, required bool) string {
	x := v.LookupPath(cue.MakePath(cue.Str(f)))
	if !x.Exists() {
		if required && !d.wasSuggested(v, f) {
			d.errorf(value.Pos(v), "missing %q: expected a string", f)
		}
		return ""
	}
	s, err := x.String()
	if err != nil {
		d.errorf(value.Pos(x), "%q: expected a string, found %s", f, value.Describe(x))
		return ""
	}
	if required && s == "" {
		d.errorf(value.Pos(x), "%q is empty: expected a non-empty string", f)
	}
	return s
}

func (d *decoder) strMap(v cue.Value, f string) map[string]string {
	x := v.LookupPath(cue.MakePath(cue.Str(f)))
	if !x.Exists() {
		return nil
	}
	m := map[string]string{}
	if x.IncompleteKind() != cue.StructKind {
		d.errorf(value.Pos(x), "%q: expected a mapping of strings, found %s", f, value.Describe(x))
		return nil
	}
	it, _ := x.Fields()
	for it.Next() {
		s, err := it.Value().String()
		if err != nil {
			d.errorf(value.Pos(it.Value()), "%s.%s: expected a string, found %s (quote it)", f, it.Selector().Unquoted(), value.Describe(it.Value()))
			continue
		}
		m[it.Selector().Unquoted()] = s
	}
	return m
}

func (d *decoder) list(v cue.Value, f string, required bool) []cue.Value {
	x := v.LookupPath(cue.MakePath(cue.Str(f)))
	if !x.Exists() {
		if required && !d.wasSuggested(v, f) {
			d.errorf(value.Pos(v), "missing %q: expected a list", f)
		}
		return nil
	}
	if x.IncompleteKind() == cue.NullKind {
		return nil
	}
	it, err := x.List()
	if err != nil {
		d.errorf(value.Pos(x), "%q: expected a list, found %s", f, value.Describe(x))
		return nil
	}
	var out []cue.Value
	for it.Next() {
		out = append(out, it.Value())
	}
	return out
}

// props returns the "properties" of an entry, as an empty struct when absent.
func (d *decoder) props(v cue.Value, at diag.Pos) (cue.Value, diag.Pos) {
	x := v.LookupPath(cue.ParsePath("properties"))
	if !x.Exists() || x.IncompleteKind() == cue.NullKind {
		return v.Context().CompileString("{}"), at
	}
	if x.IncompleteKind() != cue.StructKind {
		d.errorf(value.Pos(x), "\"properties\": expected a mapping, found %s", value.Describe(x))
	}
	return x, value.Pos(x)
}

// keys reports fields of v that the Application format does not have.
func (d *decoder) keys(v cue.Value, allowed []string, what string) {
	it, err := v.Fields()
	if err != nil {
		return
	}
	var unknown []cue.Value
	var names []string
	for it.Next() {
		name := it.Selector().Unquoted()
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, it.Value())
			names = append(names, name)
		}
	}
	for i, x := range unknown {
		e := diag.Errorf(value.Pos(x), "unknown field %q in %s", names[i], what)
		if s := diag.Suggest(names[i], allowed); s != "" {
			e.Note("did you mean %q?", s)
			if d.suggested == nil {
				d.suggested = map[string]bool{}
			}
			d.suggested[suggestKey(v, s)] = true
		} else {
			sorted := append([]string(nil), allowed...)
			sort.Strings(sorted)
			e.Note("expected one of: %v", sorted)
		}
		d.errs = append(d.errs, e)
	}
}
