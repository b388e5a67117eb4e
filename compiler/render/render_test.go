package render_test

import (
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oamc/oamc/compiler/appspec"
	"github.com/oamc/oamc/compiler/definition"
	"github.com/oamc/oamc/compiler/diag"
	"github.com/oamc/oamc/compiler/render"
	"github.com/oamc/oamc/compiler/source"
)

// env compiles definitions and decodes apps in one CUE context.
type env struct {
	t    *testing.T
	ctx  *cue.Context
	defs map[string]*definition.Compiled
}

func newEnv(t *testing.T, defs map[string]string) *env {
	t.Helper()
	e := &env{t: t, ctx: cuecontext.New(), defs: map[string]*definition.Compiled{}}
	for file, src := range defs {
		d, err := definition.ParseCUE(e.ctx, file, []byte(src))
		require.NoError(t, err, file)
		c, err := d.Compile(e.ctx)
		require.NoError(t, err, file)
		e.defs[d.Name] = c
	}
	return e
}

// render decodes app (app.yaml) and renders its first component with the
// definitions named by its type and traits.
func (e *env) render(app string) ([]*render.Object, diag.List) {
	e.t.Helper()
	docs, d := source.Parse("app.yaml", []byte(app))
	require.Nil(e.t, d)
	a, errs := appspec.Decode(e.ctx, docs[0])
	require.Empty(e.t, errs)
	comp := a.Components[0]
	def, ok := e.defs[comp.Type]
	require.True(e.t, ok, "no definition %q", comp.Type)
	var traits []render.Trait
	for _, t := range comp.Traits {
		td, ok := e.defs[t.Type]
		require.True(e.t, ok, "no definition %q", t.Type)
		traits = append(traits, render.Trait{Spec: t, Built: td})
	}
	return render.Component(render.Context{ClusterVersion: render.ClusterVersion{Major: 1, Minor: 31}}, a, comp, def, traits)
}

func at(line, col int) diag.Pos { return diag.Pos{File: "app.yaml", Line: line, Col: col} }

func md(o *render.Object) map[string]any { return o.Data["metadata"].(map[string]any) }

func labels(o *render.Object) map[string]any { return md(o)["labels"].(map[string]any) }

// get follows a dotted path of map keys in x.
func get(t *testing.T, x any, path string) any {
	t.Helper()
	for _, k := range strings.Split(path, ".") {
		m, ok := x.(map[string]any)
		require.True(t, ok, "%s: %v is not an object", path, x)
		x = m[k]
	}
	return x
}

const workerCUE = `worker: {
	type: "component"
	attributes: workload: definition: {apiVersion: "apps/v1", kind: "Deployment"}
}
template: {
	output: {
		apiVersion: "apps/v1"
		kind:       "Deployment"
		metadata: labels: {own: "yes", team: "platform"}
		spec: template: spec: containers: [{name: context.name, image: parameter.image}]
	}
	outputs: {
		svc: {apiVersion: "v1", kind: "Service", spec: ports: [{port: 80}]}
		cfg: {
			apiVersion: "v1"
			kind:       "ConfigMap"
			metadata: {name: "fixed", namespace: "other"}
			data: {
				app:   context.appName
				ns:    context.namespace
				minor: "\(context.clusterVersion.minor)"
			}
		}
		ns: {apiVersion: "v1", kind: "Namespace"}
	}
	parameter: image: string
}
`

const scaleCUE = `scale: {
	type: "trait"
}
template: {
	patch: spec: replicas: parameter.replicas
	parameter: replicas: *1 | int
}
`

const extrasCUE = `extras: {
	type: "trait"
}
template: {
	outputs: {
		role: {apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", rules: []}
		report: {
			apiVersion: "v1"
			kind:       "ConfigMap"
			data: replicas: "\(context.output.spec.replicas)"
		}
	}
	parameter: {}
}
`

const lbCUE = `lb: {
	type: "trait"
}
template: {
	patchOutputs: svc: spec: type: "LoadBalancer"
}
`

const app = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
  namespace: prod
  labels:
    team: checkout
    tier: web
  annotations:
    note: hello
spec:
  components:
    - name: web
      type: worker
      properties:
        image: nginx:1.27
      traits:
        - type: scale
          properties:
            replicas: 3
        - type: extras
        - type: lb
`

func stdEnv(t *testing.T) *env {
	t.Helper()
	return newEnv(t, map[string]string{
		"defs/worker.cue": workerCUE,
		"defs/scale.cue":  scaleCUE,
		"defs/extras.cue": extrasCUE,
		"defs/lb.cue":     lbCUE,
	})
}

func TestComponentOrderAndRoles(t *testing.T) {
	objs, errs := stdEnv(t).render(app)
	require.Empty(t, errs)
	type row struct {
		source, kind, name, output string
		role                       render.Role
		pos                        diag.Pos
	}
	var got []row
	for _, o := range objs {
		got = append(got, row{o.Source(), o.Data["kind"].(string), md(o)["name"].(string), o.Output, o.Role, o.Pos})
	}
	assert.Equal(t, []row{
		{"shop/web", "Deployment", "web", "", render.Workload, at(13, 7)},
		{"shop/web", "ConfigMap", "fixed", "cfg", render.Auxiliary, at(13, 7)},
		{"shop/web", "Namespace", "web-ns", "ns", render.Auxiliary, at(13, 7)},
		{"shop/web", "Service", "web-svc", "svc", render.Auxiliary, at(13, 7)},
		{"shop/web/extras", "ConfigMap", "web-report", "report", render.TraitOut, at(21, 11)},
		{"shop/web/extras", "ClusterRole", "web-role", "role", render.TraitOut, at(21, 11)},
	}, got, "workload, own outputs by name, then trait outputs in trait order, by name within a trait")
	for _, o := range objs {
		assert.Equal(t, "shop", o.App)
		assert.Equal(t, "web", o.Component)
	}
}

func TestComponentPatchesAndContext(t *testing.T) {
	objs, errs := stdEnv(t).render(app)
	require.Empty(t, errs)
	w := objs[0]
	assert.Equal(t, int64(3), get(t, w.Data, "spec.replicas"), "the scale trait patched the workload")
	c := get(t, w.Data, "spec.template.spec.containers").([]any)[0]
	assert.Equal(t, map[string]any{"name": "web", "image": "nginx:1.27"}, c)

	cfg := objs[1]
	assert.Equal(t, map[string]any{"app": "shop", "ns": "prod", "minor": "31"}, cfg.Data["data"], "component templates see the app's context")
	report := objs[4]
	assert.Equal(t, map[string]any{"replicas": "3"}, report.Data["data"], "a trait sees the workload as patched by the traits before it")
	svc := objs[3]
	assert.Equal(t, "LoadBalancer", get(t, svc.Data, "spec.type"), "patchOutputs patched the component's output")
	assert.Equal(t, []any{map[string]any{"port": int64(80)}}, get(t, svc.Data, "spec.ports"))
}

func TestComponentLabels(t *testing.T) {
	objs, errs := stdEnv(t).render(app)
	require.Empty(t, errs)
	kubevela := map[string]any{
		"app.oam.dev/name":        "shop",
		"app.oam.dev/namespace":   "prod",
		"app.oam.dev/component":   "web",
		"app.oam.dev/appRevision": "",
	}
	with := func(extra map[string]any) map[string]any {
		out := map[string]any{"team": "checkout", "tier": "web"}
		for k, v := range kubevela {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	assert.Equal(t, with(map[string]any{
		"own": "yes", "team": "platform",
		"app.oam.dev/resourceType": "WORKLOAD", "workload.oam.dev/type": "worker",
	}), labels(objs[0]), "the workload's own label team wins over the app's")
	assert.Equal(t, with(map[string]any{
		"app.oam.dev/resourceType": "TRAIT", "trait.oam.dev/type": "AuxiliaryWorkload", "trait.oam.dev/resource": "cfg",
	}), labels(objs[1]))
	assert.Equal(t, with(map[string]any{
		"app.oam.dev/resourceType": "TRAIT", "trait.oam.dev/type": "AuxiliaryWorkload", "trait.oam.dev/resource": "svc",
	}), labels(objs[3]))
	assert.Equal(t, with(map[string]any{
		"app.oam.dev/resourceType": "TRAIT", "trait.oam.dev/type": "extras", "trait.oam.dev/resource": "role",
	}), labels(objs[5]))
	for _, o := range objs {
		assert.Equal(t, map[string]any{"note": "hello"}, md(o)["annotations"], "%s gets the app's annotations", o.ID())
	}
}

func TestComponentNamespaces(t *testing.T) {
	objs, errs := stdEnv(t).render(app)
	require.Empty(t, errs)
	ids := make([]string, len(objs))
	for i, o := range objs {
		ids[i] = o.ID()
	}
	assert.Equal(t, []string{
		"Deployment.apps prod/web",
		"ConfigMap other/fixed",
		"Namespace web-ns",
		"Service prod/web-svc",
		"ConfigMap prod/web-report",
		"ClusterRole.rbac.authorization.k8s.io web-role",
	}, ids, "namespaced objects get the app's namespace unless they have one; cluster-scoped kinds get none")
	_, has := md(objs[2])["namespace"]
	assert.False(t, has, "a Namespace has no namespace field")
	_, has = md(objs[5])["namespace"]
	assert.False(t, has, "a ClusterRole has no namespace field")
}

func TestComponentDefaultNamespaceAndNoAnnotations(t *testing.T) {
	e := newEnv(t, map[string]string{"defs/worker.cue": workerCUE})
	objs, errs := e.render(`apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: api
      type: worker
      properties:
        image: x
`)
	require.Empty(t, errs)
	require.Len(t, objs, 4)
	assert.Equal(t, "Deployment.apps default/api", objs[0].ID())
	assert.Equal(t, "default", labels(objs[0])["app.oam.dev/namespace"])
	for _, o := range objs {
		_, has := md(o)["annotations"]
		assert.False(t, has, "%s: no annotations key when neither the app nor the object has any", o.ID())
	}
	assert.Equal(t, "api-svc", md(objs[3])["name"])
}

func TestComponentOwnAnnotationWins(t *testing.T) {
	e := newEnv(t, map[string]string{"defs/annotated.cue": `annotated: {
	type: "component"
}
template: {
	output: {apiVersion: "v1", kind: "ConfigMap", metadata: annotations: {note: "mine", other: "x"}}
}
`})
	objs, errs := e.render(strings.Replace(oneComponent("annotated"), "  name: shop\n", "  name: shop\n  annotations:\n    note: app\n    more: y\n", 1))
	require.Empty(t, errs)
	require.Len(t, objs, 1)
	assert.Equal(t, map[string]any{"note": "mine", "other": "x", "more": "y"}, md(objs[0])["annotations"], "the object's own annotation wins over the app's")
}

func TestComponentErrs(t *testing.T) {
	e := newEnv(t, map[string]string{
		"defs/failing.cue": `failing: {
	type: "component"
}
template: {
	output: {apiVersion: "v1", kind: "ConfigMap"}
	errs: ["first problem", if parameter.n > 1 {"n is \(parameter.n)"}]
	parameter: n: int
}
`,
	})
	objs, errs := e.render(`apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: web
      type: failing
      properties:
        n: 2
`)
	assert.Nil(t, objs)
	require.Len(t, errs, 2)
	assert.Equal(t, `app.yaml:7:7: component "web" (failing): first problem`, errs[0].Error())
	assert.Equal(t, `app.yaml:7:7: component "web" (failing): n is 2`, errs[1].Error())

	objs, errs = newEnv(t, map[string]string{"defs/worker.cue": workerCUE, "defs/guard.cue": `guard: {
	type: "trait"
}
template: {
	errs: [if parameter.max > 100 {"max must be at most 100"}]
	parameter: max: int
}
`}).render(`apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: web
      type: worker
      properties:
        image: x
      traits:
        - type: guard
          properties:
            max: 200
`)
	assert.Nil(t, objs)
	require.Len(t, errs, 1)
	assert.Equal(t, `app.yaml:12:11: trait "guard" of component "web": max must be at most 100`, errs[0].Error())
}

func TestComponentEmptyErrsRenders(t *testing.T) {
	e := newEnv(t, map[string]string{"defs/ok.cue": `ok: {
	type: "component"
}
template: {
	output: {apiVersion: "v1", kind: "ConfigMap"}
	errs: [if false {"never"}]
}
`})
	objs, errs := e.render("apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: c\n      type: ok\n")
	require.Empty(t, errs)
	require.Len(t, objs, 1)
	assert.Equal(t, "c", md(objs[0])["name"])
}

// oneComponent is an app with one component of the given type and traits.
func oneComponent(typ string, traits ...string) string {
	s := "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: web\n      type: " + typ + "\n"
	if len(traits) > 0 {
		s += "      traits:\n"
		for _, t := range traits {
			s += "        - type: " + t + "\n"
		}
	}
	return s
}

func TestComponentBadOutputs(t *testing.T) {
	tests := []struct {
		name     string
		template string
		pos      diag.Pos
		msg      string
	}{
		{
			name:     "output not an object",
			template: "\toutput: \"hello\"\n",
			pos:      diag.Pos{File: "defs/bad.cue", Line: 5, Col: 2},
			msg:      `component "bad": output is string, expected a Kubernetes object`,
		},
		{
			name:     "output a list",
			template: "\toutput: [1]\n",
			pos:      diag.Pos{File: "defs/bad.cue", Line: 5, Col: 2},
			msg:      `component "bad": output is list, expected a Kubernetes object`,
		},
		{
			name:     "output without kind",
			template: "\toutput: {apiVersion: \"v1\"}\n",
			pos:      diag.Pos{File: "defs/bad.cue", Line: 5, Col: 2},
			msg:      `component "bad": output has no kind: expected a Kubernetes object`,
		},
		{
			name:     "output without apiVersion",
			template: "\toutput: {kind: \"ConfigMap\"}\n",
			pos:      diag.Pos{File: "defs/bad.cue", Line: 5, Col: 2},
			msg:      `component "bad": output has no apiVersion: expected a Kubernetes object`,
		},
		{
			name:     "output with an empty kind",
			template: "\toutput: {apiVersion: \"v1\", kind: \"\"}\n",
			pos:      diag.Pos{File: "defs/bad.cue", Line: 5, Col: 2},
			msg:      `component "bad": output has no kind: expected a Kubernetes object`,
		},
		{
			name:     "metadata not an object",
			template: "\toutput: {apiVersion: \"v1\", kind: \"ConfigMap\", metadata: \"x\"}\n",
			pos:      diag.Pos{File: "defs/bad.cue", Line: 5, Col: 2},
			msg:      `component "bad": output.metadata is string, expected an object`,
		},
		{
			name:     "an output not an object",
			template: "\toutput: {apiVersion: \"v1\", kind: \"ConfigMap\"}\n\toutputs: extra: 42\n",
			pos:      diag.Pos{File: "defs/bad.cue", Line: 6, Col: 11},
			msg:      `component "bad": outputs.extra is int, expected a Kubernetes object`,
		},
		{
			name:     "an output without kind",
			template: "\toutput: {apiVersion: \"v1\", kind: \"ConfigMap\"}\n\toutputs: extra: {apiVersion: \"v1\"}\n",
			pos:      diag.Pos{File: "defs/bad.cue", Line: 6, Col: 11},
			msg:      `component "bad": outputs.extra has no kind: expected a Kubernetes object`,
		},
		{
			name:     "no output",
			template: "\toutputs: extra: {apiVersion: \"v1\", kind: \"ConfigMap\"}\n",
			pos:      diag.Pos{File: "defs/bad.cue", Line: 1, Col: 1},
			msg:      `component definition "bad" has no template.output: expected the workload object`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, map[string]string{"defs/bad.cue": "bad: {\n\ttype: \"component\"\n}\ntemplate: {\n" + tt.template + "}\n"})
			objs, errs := e.render(oneComponent("bad"))
			assert.Nil(t, objs)
			require.Len(t, errs, 1, "%v", errs)
			assert.Equal(t, tt.pos, errs[0].Pos, "%v", errs[0])
			assert.Equal(t, tt.msg, errs[0].Message)
			assert.Equal(t, []string{`used by component "web" (bad) at app.yaml:7:7`}, errs[0].Notes)
		})
	}
}

func TestComponentTraitOutputNotAnObject(t *testing.T) {
	e := newEnv(t, map[string]string{
		"defs/worker.cue": workerCUE,
		"defs/bad.cue":    "bad: {\n\ttype: \"trait\"\n}\ntemplate: {\n\toutputs: x: {kind: \"ConfigMap\"}\n}\n",
	})
	objs, errs := e.render(strings.Replace(oneComponent("worker", "bad"), "      traits:", "      properties:\n        image: x\n      traits:", 1))
	assert.Nil(t, objs)
	require.Len(t, errs, 1, "%v", errs)
	assert.Equal(t, diag.Pos{File: "defs/bad.cue", Line: 5, Col: 11}, errs[0].Pos)
	assert.Equal(t, `trait "bad": outputs.x has no apiVersion: expected a Kubernetes object`, errs[0].Message)
	assert.Equal(t, []string{`used by trait "bad" of component "web" at app.yaml:12:11`}, errs[0].Notes)
}

func TestPatchOutputsMissing(t *testing.T) {
	tests := []struct {
		name, trait, note string
	}{
		{"typo", "\tpatchOutputs: svcc: spec: type: \"LoadBalancer\"\n", `did you mean "svc"?`},
		{"no close name", "\tpatchOutputs: service: spec: type: \"LoadBalancer\"\n", "its outputs: [cfg ns svc]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, map[string]string{
				"defs/worker.cue": workerCUE,
				"defs/po.cue":     "po: {\n\ttype: \"trait\"\n}\ntemplate: {\n" + tt.trait + "}\n",
			})
			objs, errs := e.render(strings.Replace(oneComponent("worker", "po"), "      traits:", "      properties:\n        image: x\n      traits:", 1))
			assert.Nil(t, objs)
			require.Len(t, errs, 1, "%v", errs)
			assert.Equal(t, at(12, 11), errs[0].Pos, "at the trait in the app")
			name := strings.Fields(tt.trait)[1]
			name = strings.TrimSuffix(name, ":")
			assert.Equal(t, `trait "po" of component "web": patchOutputs names "`+name+`", but component "web" has no such output`, errs[0].Message)
			assert.Equal(t, []string{tt.note}, errs[0].Notes)
		})
	}
}

func TestPatchOutputsWithoutOutputs(t *testing.T) {
	e := newEnv(t, map[string]string{
		"defs/plain.cue": "plain: {\n\ttype: \"component\"\n}\ntemplate: {\n\toutput: {apiVersion: \"v1\", kind: \"ConfigMap\"}\n}\n",
		"defs/lb.cue":    lbCUE,
	})
	_, errs := e.render(oneComponent("plain", "lb"))
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Message, `patchOutputs names "svc", but component "web" has no such output`)
}

// conflictCUE's workload sets replicas at line 7, col 18.
const conflictCUE = `base: {
	type: "component"
}
template: {
	output: {
		apiVersion: "apps/v1", kind: "Deployment"
		spec: replicas: 1
		metadata: annotations: owner: "base"
	}
	outputs: svc: {
		apiVersion: "v1", kind: "Service"
		spec: type: "ClusterIP"
	}
}
`

func TestPatchConflictWithTheWorkload(t *testing.T) {
	e := newEnv(t, map[string]string{"defs/base.cue": conflictCUE, "defs/scale.cue": scaleCUE})
	objs, errs := e.render(oneComponent("base", "scale") + "          properties:\n            replicas: 3\n")
	assert.Nil(t, objs)
	require.Len(t, errs, 1, "%v", errs)
	d := errs[0]
	assert.Equal(t, "defs/scale.cue", d.Pos.File, "the conflict is at the trait's definition: %v", d)
	assert.Equal(t, 5, d.Pos.Line, "at the patch's line: %v", d)
	assert.Equal(t, `trait "scale" of component "web": conflict at spec.replicas: the workload already has 1, the trait sets 3`, d.Message)
	assert.Equal(t, []string{
		"the existing value was set at defs/base.cue:7:9",
		"trait used at app.yaml:10:11",
	}, d.Notes)
}

const annotateA = `a: {
	type: "trait"
}
template: {
	patch: metadata: annotations: owner: "a"
	patch: metadata: annotations: extra: "a"
}
`

const annotateB = `b: {
	type: "trait"
}
template: {
	patch: {
		metadata: annotations: extra: "b"
	}
}
`

func TestPatchConflictBetweenTraits(t *testing.T) {
	e := newEnv(t, map[string]string{"defs/base.cue": conflictCUE, "defs/a.cue": annotateA, "defs/b.cue": annotateB})
	_, errs := e.render(oneComponent("base", "b", "a"))
	require.Len(t, errs, 1)
	// a's owner conflicts with the workload's own value first.
	assert.Equal(t, "defs/a.cue", errs[0].Pos.File)
	assert.Contains(t, errs[0].Message, `trait "a" of component "web": conflict at metadata.annotations`)

	e = newEnv(t, map[string]string{"defs/base.cue": strings.Replace(conflictCUE, "\t\tmetadata: annotations: owner: \"base\"\n", "", 1), "defs/a.cue": annotateA, "defs/b.cue": annotateB})
	_, errs = e.render(oneComponent("base", "a", "b"))
	require.Len(t, errs, 1, "%v", errs)
	d := errs[0]
	assert.Equal(t, diag.Pos{File: "defs/b.cue", Line: 6, Col: 26}, d.Pos, "%v", d)
	assert.Equal(t, `trait "b" of component "web": conflict at metadata.annotations.extra: the workload already has "a", the trait sets "b"`, d.Message)
	assert.Equal(t, []string{
		"the existing value was set at defs/a.cue:6:32",
		"trait used at app.yaml:11:11",
	}, d.Notes)
}

func TestPatchOutputsConflictNamesBothPositions(t *testing.T) {
	e := newEnv(t, map[string]string{"defs/base.cue": conflictCUE, "defs/lb.cue": lbCUE})
	_, errs := e.render(oneComponent("base", "lb"))
	require.Len(t, errs, 1, "%v", errs)
	d := errs[0]
	assert.Equal(t, "defs/lb.cue", d.Pos.File, "%v", d)
	assert.Equal(t, 5, d.Pos.Line, "%v", d)
	assert.Contains(t, d.Message, `conflict at spec.type`)
	assert.Contains(t, d.Message, `"ClusterIP"`)
	assert.Contains(t, d.Message, `"LoadBalancer"`)
	assert.NotContains(t, d.Message, "the workload already has", "the conflict is in output svc, not in the workload")
	assert.Contains(t, d.Notes, "the existing value was set at defs/base.cue:12:9", "both positions are named, as for the workload")
	assert.Contains(t, d.Notes, "trait used at app.yaml:10:11")
}

func TestObjectSourceAndID(t *testing.T) {
	o := &render.Object{App: "a", Component: "c", Data: map[string]any{
		"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
		"metadata": map[string]any{"name": "n", "namespace": "ns"},
	}}
	assert.Equal(t, "a/c", o.Source())
	assert.Equal(t, "Ingress.networking.k8s.io ns/n", o.ID())
	o.Trait = "t"
	assert.Equal(t, "a/c/t", o.Source())
	o.Data = map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "x"}}
	assert.Equal(t, "Namespace x", o.ID())
}
