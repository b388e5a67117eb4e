// Package compiler is oamc's library: it loads definitions, then compiles
// Applications through them into Kubernetes objects. The stages are
// packages of their own: source (read) → appspec (decode) → check
// (properties) → render (templates and traits) → emit (output).
package compiler

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/oamc/oamc/compiler/appspec"
	"github.com/oamc/oamc/compiler/check"
	"github.com/oamc/oamc/compiler/definition"
	"github.com/oamc/oamc/compiler/diag"
	"github.com/oamc/oamc/compiler/kube"
	"github.com/oamc/oamc/compiler/render"
	"github.com/oamc/oamc/compiler/source"
	"github.com/oamc/oamc/definitions"
)

// DefaultKubeVersion is the Kubernetes version templates see in
// context.clusterVersion unless told otherwise.
const DefaultKubeVersion = "1.34"

// Options configure a Compiler.
type Options struct {
	// DefinitionDirs are read after the standard library, in order; a later
	// definition of the same name wins.
	DefinitionDirs []string
	// NoStdlib leaves out the embedded standard library.
	NoStdlib bool
	// KubeVersion is "MAJOR.MINOR"; DefaultKubeVersion when empty.
	KubeVersion string
}

// Compiler compiles Applications. It is safe for concurrent use.
type Compiler struct {
	ctx      *cue.Context
	registry *definition.Registry
	rc       render.Context

	mu    sync.Mutex
	built map[*definition.Definition]*builtDef
}

type builtDef struct {
	once     sync.Once
	compiled *definition.Compiled
	err      error
}

// Result is one compiled Application.
type Result struct {
	App     *appspec.Application
	Objects []*render.Object
}

// New loads the definitions and returns a Compiler. Definitions are parsed
// now and compiled the first time an app uses them.
func New(opts Options) (*Compiler, error) {
	kv, err := parseKubeVersion(opts.KubeVersion)
	if err != nil {
		return nil, err
	}
	c := &Compiler{
		ctx:      cuecontext.New(),
		registry: definition.NewRegistry(),
		rc:       render.Context{ClusterVersion: kv},
		built:    map[*definition.Definition]*builtDef{},
	}
	if !opts.NoStdlib {
		defs, err := definition.LoadFS(c.ctx, definitions.FS, ".", "<stdlib>/")
		if err != nil {
			return nil, fmt.Errorf("standard library: %w", err)
		}
		c.registry.Add(defs...)
	}
	for _, dir := range opts.DefinitionDirs {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return nil, diag.List{diag.Errorf(diag.Pos{File: dir}, "definitions folder not found")}
		}
		defs, err := definition.LoadFS(c.ctx, os.DirFS(dir), ".", strings.TrimSuffix(dir, "/")+"/")
		if err != nil {
			return nil, err
		}
		c.registry.Add(defs...)
	}
	return c, nil
}

// CheckKubeVersion reports whether s is a Kubernetes version oamc accepts.
func CheckKubeVersion(s string) error {
	_, err := parseKubeVersion(s)
	return err
}

func parseKubeVersion(s string) (render.ClusterVersion, error) {
	if s == "" {
		s = DefaultKubeVersion
	}
	major, minor, ok := strings.Cut(strings.TrimPrefix(s, "v"), ".")
	maj, err1 := strconv.Atoi(major)
	minorPart, _, _ := strings.Cut(minor, ".")
	mn, err2 := strconv.Atoi(minorPart)
	if !ok || err1 != nil || err2 != nil || maj < 1 || mn < 0 {
		return render.ClusterVersion{}, fmt.Errorf("invalid Kubernetes version %q: expected MAJOR.MINOR, such as %s", s, DefaultKubeVersion)
	}
	return render.ClusterVersion{Major: maj, Minor: mn}, nil
}

// Registry returns the loaded definitions.
func (c *Compiler) Registry() *definition.Registry { return c.registry }

// Warnings are the notes from loading definitions (replaced definitions).
func (c *Compiler) Warnings() diag.List { return c.registry.Warnings }

// build compiles a definition once.
func (c *Compiler) build(d *definition.Definition) (*definition.Compiled, error) {
	c.mu.Lock()
	b, ok := c.built[d]
	if !ok {
		b = &builtDef{}
		c.built[d] = b
	}
	c.mu.Unlock()
	b.once.Do(func() { b.compiled, b.err = d.Compile(c.ctx) })
	return b.compiled, b.err
}

// Render reads the inputs (files, folders, "-" for stdin) and compiles every
// Application in them. It returns every app's result, or every error.
func (c *Compiler) Render(ctx context.Context, inputs []string, stdin io.Reader) ([]*Result, error) {
	docs, err := source.Read(ctx, inputs, stdin)
	if err != nil {
		return nil, err
	}
	return c.CompileDocuments(ctx, docs)
}

// CompileDocuments decodes and compiles each document as an Application.
func (c *Compiler) CompileDocuments(ctx context.Context, docs []source.Document) ([]*Result, error) {
	var results []*Result
	var errs diag.List
	for _, doc := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		app, derrs := appspec.Decode(c.ctx, doc)
		if derrs != nil {
			errs = append(errs, derrs...)
			continue
		}
		r, err := c.compileSafely(ctx, app)
		if err != nil {
			errs = append(errs, diag.AsList(err)...)
			continue
		}
		results = append(results, r)
	}
	if len(errs) == 0 {
		errs = unique(results)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return results, nil
}

// unique rejects two objects with one identity in one output: applied
// together, the second would silently replace the first.
func unique(results []*Result) diag.List {
	var errs diag.List
	seen := map[string]*render.Object{}
	for _, r := range results {
		for _, o := range r.Objects {
			id := o.ID()
			if first, ok := seen[id]; ok {
				errs = append(errs, diag.Errorf(o.Pos, "%s renders %s, which %s already renders", describe(o), id, describe(first)).
					Note("the first is made at %s; give one of them another name or drop one", first.Pos))
				continue
			}
			seen[id] = o
		}
	}
	return errs
}

// describe names who made an object, for messages.
func describe(o *render.Object) string {
	switch o.Role {
	case render.Workload:
		return fmt.Sprintf("component %q", o.Component)
	case render.Auxiliary:
		return fmt.Sprintf("component %q (output %q)", o.Component, o.Output)
	}
	return fmt.Sprintf("trait %q of component %q (output %q)", o.Trait, o.Component, o.Output)
}

// compileSafely is Compile with a panic (CUE's evaluator has had them on
// odd input) turned into an error at the app, so oamc never crashes.
func (c *Compiler) compileSafely(ctx context.Context, app *appspec.Application) (r *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, diag.List{diag.Errorf(app.Pos, "internal error while compiling application %q: %v", app.Name, p).
				Note("this is a bug in oamc or CUE; please report it with this file")}
		}
	}()
	return c.Compile(ctx, app)
}

// Compile checks and renders one decoded Application.
func (c *Compiler) Compile(ctx context.Context, app *appspec.Application) (*Result, error) {
	if app.Value.Context() != c.ctx {
		return nil, fmt.Errorf("application %q was decoded with another CUE context: use appspec.Decode with Compiler.Context()", app.Name)
	}
	type plan struct {
		comp   *appspec.Component
		def    *definition.Compiled
		traits []render.Trait
	}
	var plans []plan
	var errs diag.List
	for _, comp := range app.Components {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := plan{comp: comp}
		def, ok := c.lookup(definition.Component, comp.Type, comp.TypePos, fmt.Sprintf("component %q", comp.Name), &errs)
		if ok {
			p.def, ok = c.checked(def, comp.Properties, check.Subject{
				What:     fmt.Sprintf("component %q (%s)", comp.Name, comp.Type),
				Def:      def,
				PropsPos: comp.PropsPos,
				At:       comp.Pos,
			}, &errs)
		}
		for _, t := range comp.Traits {
			tdef, tok := c.lookup(definition.Trait, t.Type, t.TypePos, fmt.Sprintf("trait of component %q", comp.Name), &errs)
			if !tok {
				ok = false
				continue
			}
			// An autodetected workload is checked once it is rendered.
			if def != nil && def.WorkloadType() != "" && !applies(tdef, workload{def.Name, def.Workload.APIVersion, def.Workload.Kind, def.WorkloadType()}, comp, t, &errs) {
				ok = false
				continue
			}
			tb, tok := c.checked(tdef, t.Properties, check.Subject{
				What:     fmt.Sprintf("trait %q of component %q", t.Type, comp.Name),
				Def:      tdef,
				PropsPos: t.PropsPos,
				At:       t.Pos,
			}, &errs)
			ok = ok && tok
			p.traits = append(p.traits, render.Trait{Spec: t, Built: tb})
		}
		if !c.conflicts(comp, &errs) {
			ok = false
		}
		if ok {
			plans = append(plans, p)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	res := &Result{App: app}
	for _, p := range plans {
		objs, rerrs := render.Component(c.rc, app, p.comp, p.def, p.traits)
		if rerrs != nil {
			errs = append(errs, rerrs...)
			continue
		}
		if p.def.Def.WorkloadType() == "" {
			apiVersion, _ := objs[0].Data["apiVersion"].(string)
			kind, _ := objs[0].Data["kind"].(string)
			w := workload{p.def.Def.Name, apiVersion, kind, definition.ResourceType(apiVersion, kind)}
			for _, t := range p.traits {
				applies(t.Built.Def, w, p.comp, t.Spec, &errs)
			}
		}
		res.Objects = append(res.Objects, objs...)
	}
	if len(errs) == 0 {
		errs = unique([]*Result{res})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return res, nil
}

// Context is the CUE context Applications must be decoded in to be compiled.
func (c *Compiler) Context() *cue.Context { return c.ctx }

func (c *Compiler) lookup(t definition.Type, name string, at diag.Pos, what string, errs *diag.List) (*definition.Definition, bool) {
	d, ok := c.registry.Get(t, name)
	if ok {
		return d, true
	}
	e := diag.Errorf(at, "%s: unknown %s type %q", what, t, name)
	names := c.registry.Names(t)
	if hint := diag.DidYouMean(name, names); hint != "" {
		e.Note("%s", hint)
	} else {
		e.Note("known %s types: %s", t, strings.Join(names, ", "))
	}
	*errs = append(*errs, e)
	return nil, false
}

func (c *Compiler) checked(d *definition.Definition, props cue.Value, s check.Subject, errs *diag.List) (*definition.Compiled, bool) {
	cd, err := c.build(d)
	if err != nil {
		for _, e := range diag.AsList(err) {
			// A copy: the same broken definition may be used many times.
			e := *e
			e.Notes = append(append([]string(nil), e.Notes...), fmt.Sprintf("used by %s at %s", s.What, s.At))
			*errs = append(*errs, &e)
		}
		return nil, false
	}
	if perrs := check.Properties(cd.Schema, props, s); len(perrs) > 0 {
		*errs = append(*errs, perrs...)
		return nil, false
	}
	return cd, true
}

// workload is what appliesToWorkloads is matched against.
type workload struct {
	compType   string // the component type's name, e.g. webservice
	apiVersion string
	kind       string
	typ        string // e.g. deployments.apps
}

// applies enforces a trait's appliesToWorkloads, which KubeVela ignores.
// An entry matches as the OAM runtime has it: "*", the component type's
// name, the workload type ("deployments.apps"), the kind ("Deployment"),
// "Kind.group" ("Deployment.apps"), or "*.group" ("*.apps").
func applies(t *definition.Definition, w workload, spec *appspec.Component, tr *appspec.Trait, errs *diag.List) bool {
	if len(t.AppliesToWorkloads) == 0 {
		return true
	}
	group := kube.Group(w.apiVersion)
	for _, a := range t.AppliesToWorkloads {
		name, g, dotted := strings.Cut(a, ".")
		switch {
		case a == "*", a == w.compType, w.typ != "" && a == w.typ, w.kind != "" && strings.EqualFold(a, w.kind):
			return true
		case dotted && name == "*" && g == group:
			return true
		case dotted && g == group && w.kind != "" && strings.EqualFold(name, w.kind):
			return true
		}
	}
	*errs = append(*errs, diag.Errorf(tr.TypePos, "trait %q does not apply to component %q of type %s (workload %s)", tr.Type, spec.Name, spec.Type, orNone(w.typ)).
		Note("trait %q applies to: %s (%s)", t.Name, strings.Join(t.AppliesToWorkloads, ", "), t.Pos))
	return false
}

// conflicts enforces conflictsWith between a component's traits.
func (c *Compiler) conflicts(comp *appspec.Component, errs *diag.List) bool {
	ok := true
	for i, t := range comp.Traits {
		d, found := c.registry.Get(definition.Trait, t.Type)
		if !found {
			continue
		}
		for _, o := range comp.Traits[i+1:] {
			od, _ := c.registry.Get(definition.Trait, o.Type)
			if slices.Contains(d.ConflictsWith, o.Type) || (od != nil && slices.Contains(od.ConflictsWith, t.Type)) {
				*errs = append(*errs, diag.Errorf(o.TypePos, "trait %q conflicts with trait %q on component %q", o.Type, t.Type, comp.Name).
					Note("%q is at %s", t.Type, t.TypePos))
				ok = false
			}
			if o.Type == t.Type {
				*errs = append(*errs, diag.Errorf(o.TypePos, "trait %q is given twice on component %q", o.Type, comp.Name).Note("first at %s", t.TypePos))
				ok = false
			}
		}
	}
	return ok
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
