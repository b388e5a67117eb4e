// Package render turns one checked component, with its traits, into
// Kubernetes objects: the component template's output and outputs, then
// each trait's patch, patchOutputs and outputs, in the order listed.
package render

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/oamc/oamc/compiler/appspec"
	"github.com/oamc/oamc/compiler/definition"
	"github.com/oamc/oamc/compiler/diag"
	"github.com/oamc/oamc/compiler/kube"
	"github.com/oamc/oamc/compiler/patch"
	"github.com/oamc/oamc/compiler/value"
)

// Role says where an object came from, as KubeVela's resourceType label does.
type Role string

const (
	Workload  Role = "WORKLOAD"
	Auxiliary Role = "AUXILIARY" // a component definition's own outputs
	TraitOut  Role = "TRAIT"
)

// Object is one rendered Kubernetes object.
type Object struct {
	App       string
	Component string
	Trait     string // the trait type, for trait outputs
	Output    string // the key under outputs, "" for the workload
	Role      Role
	Pos       diag.Pos // the component or trait entry in the app that made it
	Data      map[string]any
}

// ID is the object's identity in a cluster: group/kind namespace/name.
func (o *Object) ID() string {
	md, _ := o.Data["metadata"].(map[string]any)
	ns, _ := md["namespace"].(string)
	name, _ := md["name"].(string)
	apiVersion, _ := o.Data["apiVersion"].(string)
	kind, _ := o.Data["kind"].(string)
	id := kind
	if g := kube.Group(apiVersion); g != "" {
		id += "." + g
	}
	if ns != "" {
		return id + " " + ns + "/" + name
	}
	return id + " " + name
}

// Source names the object's origin: app/component[/trait].
func (o *Object) Source() string {
	s := o.App + "/" + o.Component
	if o.Trait != "" {
		s += "/" + o.Trait
	}
	return s
}

// Context holds the values every template's context gets from outside the app.
type Context struct {
	ClusterVersion ClusterVersion
}

// ClusterVersion is context.clusterVersion.
type ClusterVersion struct {
	Major, Minor int
}

// Trait pairs a trait of the app with its built definition.
type Trait struct {
	Spec  *appspec.Trait
	Built *definition.Compiled
}

// Component renders comp with its component definition and traits.
func Component(rc Context, app *appspec.Application, comp *appspec.Component, def *definition.Compiled, traits []Trait) ([]*Object, diag.List) {
	props, err := value.ToGo(comp.Properties)
	if err != nil {
		return nil, diag.List{diag.Errorf(comp.PropsPos, "component %q: properties: %v", comp.Name, err)}
	}
	r := &renderer{app: app, comp: comp, origin: map[string]token.Pos{}}
	r.base = baseContext(rc, app, comp)
	ctx := maps.Clone(r.base)
	ctx["parameter"] = props
	r.tmpl = def.Fill(ctx, comp.Properties)
	what := fmt.Sprintf("component %q (%s)", comp.Name, comp.Type)
	if d := raised(r.tmpl, what, comp.Pos); d != nil {
		return nil, d
	}
	r.out = r.tmpl.LookupPath(cue.ParsePath("output"))
	if !r.out.Exists() {
		return nil, diag.List{diag.Errorf(def.Def.Pos, "component definition %q has no template.output: expected the workload object", def.Def.Name).Note("used by %s at %s", what, comp.Pos)}
	}
	var errs diag.List
	if r.workload, errs = object(r.out, def.Def, what, comp.Pos, "output"); errs != nil {
		return nil, errs
	}
	outputs, errs := objects(r.tmpl, def.Def, what, comp.Pos)
	if errs != nil {
		return nil, errs
	}
	for _, o := range outputs {
		r.aux = append(r.aux, &Object{Output: o.name, Role: Auxiliary, Pos: comp.Pos, Data: o.data})
	}
	for _, t := range traits {
		if errs := r.trait(t); errs != nil {
			return nil, errs
		}
	}
	all := append([]*Object{{Role: Workload, Pos: comp.Pos, Data: r.workload}}, r.aux...)
	all = append(all, r.traitObjs...)
	for _, o := range all {
		o.App, o.Component = app.Name, comp.Name
		finish(o, app, comp)
	}
	return all, nil
}

// renderer holds one component's objects while its traits apply.
type renderer struct {
	app  *appspec.Application
	comp *appspec.Component

	base      map[string]any // the context every template of the component gets
	tmpl      cue.Value      // the component's filled template
	out       cue.Value      // its output, for where a workload field came from
	workload  map[string]any
	aux       []*Object // the component's own outputs
	traitObjs []*Object

	// origin remembers where each field a trait set came from, by target
	// ("" for the workload, else an output's name) and path, so that a
	// later conflict names both sides.
	origin map[string]token.Pos
}

// trait applies one trait: its patch, patchOutputs and outputs.
func (r *renderer) trait(t Trait) diag.List {
	what := fmt.Sprintf("trait %q of component %q", t.Spec.Type, r.comp.Name)
	props, err := value.ToGo(t.Spec.Properties)
	if err != nil {
		return diag.List{diag.Errorf(t.Spec.PropsPos, "%s: properties: %v", what, err)}
	}
	ctx := maps.Clone(r.base)
	ctx["parameter"] = props
	ctx["output"] = r.workload
	outputs := map[string]any{}
	for _, o := range r.aux {
		outputs[o.Output] = o.Data
	}
	ctx["outputs"] = outputs
	ctx["componentType"] = r.comp.Type
	tmpl := t.Built.Fill(ctx, t.Spec.Properties)
	if d := raised(tmpl, what, t.Spec.Pos); d != nil {
		return d
	}
	if p := tmpl.LookupPath(cue.ParsePath("patch")); p.Exists() {
		merged, err := r.merger(t, "", "patch").Merge(r.workload, p)
		if err != nil {
			return patchError(err, what, t.Spec.Pos, t.Built.Def, "patch", "the workload", r.existing("", r.out))
		}
		wm, ok := merged.(map[string]any)
		if !ok {
			return diag.List{diag.Errorf(t.Spec.Pos, "%s: the patch made the workload %s, expected an object", what, value.Kind(merged))}
		}
		r.workload = wm
	}
	if po := tmpl.LookupPath(cue.ParsePath("patchOutputs")); po.Exists() {
		if errs := r.patchOutputs(t, what, po); errs != nil {
			return errs
		}
	}
	objs, errs := objects(tmpl, t.Built.Def, what, t.Spec.Pos)
	if errs != nil {
		return errs
	}
	for _, o := range objs {
		r.traitObjs = append(r.traitObjs, &Object{Trait: t.Spec.Type, Output: o.name, Role: TraitOut, Pos: t.Spec.Pos, Data: o.data})
	}
	return nil
}

// patchOutputs merges a trait's patchOutputs into the named outputs.
func (r *renderer) patchOutputs(t Trait, what string, po cue.Value) diag.List {
	it, err := po.Fields()
	if err != nil {
		return definition.FromCUE(err, what+": patchOutputs", t.Spec.Pos)
	}
	for it.Next() {
		name := it.Selector().Unquoted()
		target := find(r.aux, name)
		if target == nil {
			names := make([]string, len(r.aux))
			for i, o := range r.aux {
				names[i] = o.Output
			}
			d := diag.Errorf(t.Spec.Pos, "%s: patchOutputs names %q, but component %q has no such output", what, name, r.comp.Name)
			if hint := diag.DidYouMean(name, names); hint != "" {
				d.Note("%s", hint)
			} else {
				d.Note("its outputs: %v", names)
			}
			return diag.List{d}
		}
		merged, err := r.merger(t, name, "patchOutputs."+name).Merge(target.Data, it.Value())
		if err != nil {
			src := r.tmpl.LookupPath(cue.MakePath(cue.Str("outputs"), cue.Str(name)))
			return patchError(err, what, t.Spec.Pos, t.Built.Def, "patchOutputs."+name, fmt.Sprintf("output %q", name), r.existing(name, src))
		}
		md, ok := merged.(map[string]any)
		if !ok {
			return diag.List{diag.Errorf(t.Spec.Pos, "%s: patchOutputs.%s made the object %s, expected an object", what, name, value.Kind(merged))}
		}
		target.Data = md
	}
	return nil
}

// merger patches one target with the tags of the trait's field, recording
// who set what.
func (r *renderer) merger(t Trait, target, field string) *patch.Merger {
	return &patch.Merger{
		Tags: tagsUnder(t.Built.Def, field),
		Set:  func(path string, pos token.Pos) { r.origin[target+"\x00"+path] = pos },
	}
}

// existing finds where a target's field got its value: an earlier trait,
// or else the component's template (src).
func (r *renderer) existing(target string, src cue.Value) func(string) token.Pos {
	return func(path string) token.Pos {
		if pos, ok := r.origin[target+"\x00"+path]; ok {
			return pos
		}
		return lookupPos(src, path)
	}
}

// tagsUnder gives the merger the tags of the template field at root.
func tagsUnder(def *definition.Definition, root string) func(string) (string, string) {
	return func(path string) (string, string) {
		if path != "" {
			path = root + "." + path
		} else {
			path = root
		}
		t := def.TagAt(path)
		return t.PatchKey, t.Strategy
	}
}

// baseContext is the context every template of a component gets.
// The caller adds "parameter" (and a trait's "output", "outputs",
// "componentType").
func baseContext(rc Context, app *appspec.Application, comp *appspec.Component) map[string]any {
	comps := make([]any, len(app.Components))
	for i, c := range app.Components {
		comps[i] = c.Data
	}
	return map[string]any{
		"name":           comp.Name,
		"appName":        app.Name,
		"namespace":      app.Namespace,
		"appRevision":    "",
		"appRevisionNum": 0,
		"revision":       "",
		"appLabels":      stringMap(app.Labels),
		"appAnnotations": stringMap(app.Annotations),
		"components":     comps,
		"cluster":        "",
		"clusterVersion": map[string]any{
			"major":      rc.ClusterVersion.Major,
			"minor":      rc.ClusterVersion.Minor,
			"gitVersion": fmt.Sprintf("v%d.%d.0", rc.ClusterVersion.Major, rc.ClusterVersion.Minor),
			"platform":   "linux/amd64",
		},
		"publishVersion": "",
		"workflowName":   "",
		"replicaKey":     "",
	}
}

func stringMap(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// raised reports the template's own error list, `errs: [...string]`.
func raised(tmpl cue.Value, what string, at diag.Pos) diag.List {
	v := tmpl.LookupPath(cue.ParsePath("errs"))
	if !v.Exists() {
		return nil
	}
	x, err := value.ToGo(v)
	if err != nil {
		return nil
	}
	l, _ := x.([]any)
	var out diag.List
	for _, e := range l {
		out = append(out, diag.Errorf(at, "%s: %v", what, e))
	}
	return out
}

type named struct {
	name string
	data map[string]any
}

// objects evaluates a template's outputs, sorted by name.
func objects(tmpl cue.Value, def *definition.Definition, what string, at diag.Pos) ([]named, diag.List) {
	v := tmpl.LookupPath(cue.ParsePath("outputs"))
	if !v.Exists() {
		return nil, nil
	}
	it, err := v.Fields()
	if err != nil {
		return nil, evalError(err, def, what, at, "outputs")
	}
	var out []named
	for it.Next() {
		name := it.Selector().Unquoted()
		data, errs := object(it.Value(), def, what, at, "outputs."+name)
		if errs != nil {
			return nil, errs
		}
		out = append(out, named{name, data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// object evaluates one output to a Kubernetes object.
func object(v cue.Value, def *definition.Definition, what string, at diag.Pos, field string) (map[string]any, diag.List) {
	x, err := value.ToGo(v)
	if err != nil {
		// ToGo stops at the first problem; Validate finds them all, with
		// positions. It runs only on failure, since it walks everything again.
		if verr := v.Validate(cue.Concrete(true), cue.Final()); verr != nil {
			err = verr
		}
		return nil, evalError(err, def, what, at, field)
	}
	m, ok := x.(map[string]any)
	if !ok {
		return nil, diag.List{diag.Errorf(value.Pos(v), "%s %q: %s is %s, expected a Kubernetes object", def.Type, def.Name, field, value.Kind(x)).Note("used by %s at %s", what, at)}
	}
	for _, k := range []string{"apiVersion", "kind"} {
		if s, _ := m[k].(string); s == "" {
			return nil, diag.List{diag.Errorf(value.Pos(v), "%s %q: %s has no %s: expected a Kubernetes object", def.Type, def.Name, field, k).Note("used by %s at %s", what, at)}
		}
	}
	if md, ok := m["metadata"]; ok {
		if _, ok := md.(map[string]any); !ok {
			return nil, diag.List{diag.Errorf(value.Pos(v), "%s %q: %s.metadata is %s, expected an object", def.Type, def.Name, field, value.Kind(md)).Note("used by %s at %s", what, at)}
		}
	}
	return m, nil
}

// evalError reports a definition that does not evaluate for these
// properties. A message the definition raises with error() is for the app's
// author: it stands at the app's line, with the definition's line as a note.
// Any other failure is the definition's: at its line, naming the app's.
func evalError(err error, def *definition.Definition, what string, at diag.Pos, field string) diag.List {
	prefix := field
	var ve *value.Error
	if errors.As(err, &ve) {
		prefix = join(field, ve.Path)
		if ve.Err == nil {
			p := ve.Pos
			if !p.IsValid() {
				p = def.Pos
			}
			return diag.List{diag.Errorf(p, "%s %q fails to evaluate %s: %s", def.Type, def.Name, prefix, ve.Msg).Note("used by %s at %s", what, at)}
		}
		err = ve.Err
	}
	var out diag.List
	seen := map[string]bool{}
	for _, e := range errors.Errors(err) {
		p := def.Pos
		if ps := errors.Positions(e); len(ps) > 0 {
			p = diag.FromToken(ps[0])
		}
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		path := strings.Join(trimTemplate(e.Path()), ".")
		if path == "" {
			path = prefix
		}
		if seen[path+msg] {
			continue
		}
		seen[path+msg] = true
		if def.RaisedAt(p) {
			out = append(out, diag.Errorf(at, "%s: %s", what, msg).Note("raised by %s %q at %s", def.Type, def.Name, p))
			continue
		}
		out = append(out, diag.Errorf(p, "%s %q fails to evaluate %s: %s", def.Type, def.Name, path, msg).Note("used by %s at %s", what, at))
	}
	if len(out) == 0 {
		out = append(out, diag.Errorf(def.Pos, "%s %q fails to evaluate %s: %v", def.Type, def.Name, prefix, err).Note("used by %s at %s", what, at))
	}
	return out
}

func join(a, b string) string {
	switch {
	case b == "":
		return a
	case strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}

func trimTemplate(p []string) []string {
	if len(p) > 0 && p[0] == "template" {
		return p[1:]
	}
	return p
}

// patchError reports a failed patch: a conflict names the field, both
// values and both positions.
func patchError(err error, what string, at diag.Pos, def *definition.Definition, field, target string, origin func(string) token.Pos) diag.List {
	var c *patch.Conflict
	if errors.As(err, &c) {
		d := diag.Errorf(diag.FromToken(c.PatchPos), "%s: conflict at %s: %s already has %s, the trait sets %s", what, c.Path, target, value.Show(c.Existing), value.Show(c.Patch))
		if p := origin(c.Path); p.IsValid() {
			d.Note("the existing value was set at %s", diag.FromToken(p))
		}
		return diag.List{d.Note("trait used at %s", at)}
	}
	return evalError(err, def, what, at, field)
}

// lookupPos finds the position in the component's output of a field path
// like spec.template.spec.containers[0].image.
func lookupPos(out cue.Value, path string) token.Pos {
	p := cue.ParsePath(path)
	if p.Err() != nil {
		return token.NoPos
	}
	v := out.LookupPath(p)
	if !v.Exists() {
		return token.NoPos
	}
	return v.Pos()
}

func find(objs []*Object, name string) *Object {
	for _, o := range objs {
		if o.Output == name {
			return o
		}
	}
	return nil
}
