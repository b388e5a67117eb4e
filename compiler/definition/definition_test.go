package definition

import (
	"testing"
	"testing/fstest"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/errors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oamc/oamc/compiler/diag"
)

const webCUE = `import "strings"

web: {
	type:        "component"
	description: "a web server"
	attributes: workload: definition: {apiVersion: "apps/v1", kind: "Deployment"}
}
template: {
	output: {
		apiVersion: "apps/v1"
		kind:       "Deployment"
		metadata: name: strings.ToLower(context.name)
		spec: args: parameter.args + ["--port=80"] + ["--v"]
		spec: many: ["x"] * parameter.n
	}
	parameter: {
		args: [...string]
		n:    *2 | int
	}
}
`

func TestParseCUE(t *testing.T) {
	ctx := cuecontext.New()
	d, err := ParseCUE(ctx, "defs/web.cue", []byte(webCUE))
	require.NoError(t, err)
	assert.Equal(t, "web", d.Name)
	assert.Equal(t, Component, d.Type)
	assert.Equal(t, "a web server", d.Description)
	assert.Equal(t, Workload{APIVersion: "apps/v1", Kind: "Deployment"}, d.Workload)
	assert.Equal(t, "deployments.apps", d.WorkloadType())
	assert.Equal(t, diag.Pos{File: "defs/web.cue", Line: 3, Col: 1}, d.Pos)

	c, err := d.Compile(ctx)
	require.NoError(t, err)
	out := c.Fill(map[string]any{"name": "Web", "output": "unused"}, ctx.CompileString(`{args: ["a"]}`)).LookupPath(cue.ParsePath("output"))
	require.NoError(t, out.Validate(cue.Concrete(true)))
	var got struct {
		Metadata struct{ Name string }
		Spec     struct{ Args, Many []string }
	}
	require.NoError(t, out.Decode(&got))
	assert.Equal(t, "web", got.Metadata.Name)
	assert.Equal(t, []string{"a", "--port=80", "--v"}, got.Spec.Args, "list arithmetic is rewritten to list.Concat")
	assert.Equal(t, []string{"x", "x"}, got.Spec.Many, "list repetition is rewritten to list.Repeat")
}

func TestListRewriteKeepsPositions(t *testing.T) {
	ctx := cuecontext.New()
	src := "web: {type: \"component\"}\ntemplate: {\n\toutput: a: [1] + [2]\n\toutput: b: parameter.nope\n\tparameter: {}\n}\n"
	d, err := ParseCUE(ctx, "web.cue", []byte(src))
	require.NoError(t, err)
	c, err := d.Compile(ctx)
	require.NoError(t, err)
	err = c.Root.LookupPath(cue.ParsePath("template.output.b")).Err()
	require.Error(t, err)
	assert.Equal(t, []string{"web.cue:4:23"}, positions(err), "the error stays where the author wrote it")
}

func TestClosedParameter(t *testing.T) {
	ctx := cuecontext.New()
	d, err := ParseCUE(ctx, "web.cue", []byte(webCUE))
	require.NoError(t, err)
	c, err := d.Compile(ctx)
	require.NoError(t, err)
	schema := c.Schema
	assert.NoError(t, schema.Unify(ctx.CompileString(`{args: ["x"]}`)).Validate())
	err = schema.Unify(ctx.CompileString(`{argz: ["x"]}`)).Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "field not allowed")
}

func TestParseCUEErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "web: {type: \"component\"\ntemplate: {", "syntax error"},
		{"no header", "template: {output: {}}\n", "no definition header"},
		{"no template", "web: {type: \"component\"}\n", "no template"},
		{"bad type", "web: {type: \"componnet\"}\ntemplate: {}\n", `did you mean "component"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCUE(cuecontext.New(), "web.cue", []byte(tt.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "web.cue")
		})
	}
}

func TestUnsupportedImports(t *testing.T) {
	ctx := cuecontext.New()
	src := "import \"vela/op\"\n\nweb: {type: \"component\"}\ntemplate: {output: op.x}\n"
	d, err := ParseCUE(ctx, "helm.cue", []byte(src))
	require.NoError(t, err, "loading works; using it does not")
	_, err = d.Compile(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `imports "vela/op", a KubeVela provider that needs a running cluster`)
}

const traitYAML = `apiVersion: core.oam.dev/v1beta1
kind: TraitDefinition
metadata:
  name: my-scaler
  annotations:
    definition.oam.dev/description: sets replicas
spec:
  appliesToWorkloads:
    - deployments.apps
  conflictsWith:
    - hpa
  podDisruptive: false
  schematic:
    cue:
      template: |
        import "strconv"

        patch: spec: replicas: parameter.replicas
        patch: metadata: annotations: n: strconv.FormatInt(parameter.replicas, 10)
        parameter: replicas: *1 | int
        bad: parameter.nope
`

func TestParseYAML(t *testing.T) {
	ctx := cuecontext.New()
	d, err := ParseYAML(ctx, "defs/scaler.yaml", []byte(traitYAML))
	require.NoError(t, err)
	assert.Equal(t, "my-scaler", d.Name)
	assert.Equal(t, Trait, d.Type)
	assert.Equal(t, "sets replicas", d.Description)
	assert.Equal(t, []string{"deployments.apps"}, d.AppliesToWorkloads)
	assert.Equal(t, []string{"hpa"}, d.ConflictsWith)

	c, err := d.Compile(ctx)
	require.NoError(t, err)
	v := c.Fill(nil, ctx.CompileString(`{replicas: 4}`))
	p := v.LookupPath(cue.ParsePath("patch"))
	var got struct {
		Metadata struct{ Annotations map[string]string }
		Spec     struct{ Replicas int }
	}
	require.NoError(t, p.Decode(&got))
	assert.Equal(t, 4, got.Spec.Replicas)
	assert.Equal(t, "4", got.Metadata.Annotations["n"])

	// The template's lines and columns are those of the YAML file.
	err = v.LookupPath(cue.ParsePath("bad")).Err()
	require.Error(t, err)
	assert.Equal(t, []string{"defs/scaler.yaml:21:24"}, positions(err))
}

func TestLoadFSAndRegistry(t *testing.T) {
	ctx := cuecontext.New()
	fsys := fstest.MapFS{
		"a/web.cue":        {Data: []byte(webCUE)},
		"a/scaler.yaml":    {Data: []byte(traitYAML)},
		"a/web_test.cue":   {Data: []byte("not a definition")},
		"a/notes/README":   {Data: []byte("ignored")},
		"b/web.cue":        {Data: []byte(webCUE)},
		"broken/bad.cue":   {Data: []byte("web: {type: \"component\"}\n")},
		"broken/other.cue": {Data: []byte("x: {")},
	}
	a, err := LoadFS(ctx, fsys, "a", "a/")
	require.NoError(t, err)
	require.Len(t, a, 2)
	assert.Equal(t, "a/scaler.yaml", a[0].File)
	b, err := LoadFS(ctx, fsys, "b", "b/")
	require.NoError(t, err)

	r := NewRegistry()
	r.Add(a...)
	assert.Empty(t, r.Warnings)
	r.Add(b...)
	require.Len(t, r.Warnings, 1)
	assert.Contains(t, r.Warnings[0].Error(), `definition component "web" replaces the one at a/web.cue:3:1`)
	got, ok := r.Get(Component, "web")
	require.True(t, ok)
	assert.Equal(t, "b/web.cue", got.File)
	assert.Equal(t, []string{"my-scaler"}, r.Names(Trait))

	_, err = LoadFS(ctx, fsys, "broken", "broken/")
	require.Error(t, err)
	var l diag.List
	require.ErrorAs(t, err, &l)
	assert.Len(t, l, 2, "every broken file is reported, not just the first")
}

func positions(err error) []string {
	var out []string
	for _, p := range errors.Positions(err) {
		out = append(out, diag.FromToken(p).String())
	}
	return out
}

func TestContextRefs(t *testing.T) {
	tests := []struct {
		name, template string
		uses, unused   []string
	}{
		{"selectors", `output: {a: context.name, b: context.output.spec}`, []string{"name", "output"}, []string{"components"}},
		{"whole context", `output: {c: context}`, []string{"name", "components"}, nil},
		{"own declaration is not a use", `context: {name: string, components: [...]}
output: a: context.name`, []string{"name"}, []string{"components"}},
		{"none", `output: a: 1`, nil, []string{"name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseCUE(cuecontext.New(), "x.cue", []byte("x: {type: \"component\"}\ntemplate: {\n"+tt.template+"\n}\n"))
			require.NoError(t, err)
			for _, f := range tt.uses {
				assert.True(t, d.Uses(f), f)
			}
			for _, f := range tt.unused {
				assert.False(t, d.Uses(f), f)
			}
		})
	}
}

func TestTags(t *testing.T) {
	src := `t: {type: "trait"}
template: {
	// +patchStrategy=retainKeys
	patch: spec: replicas: parameter.replicas
	patch: spec: template: spec: {
		// +patchKey=name
		containers: [{
			name: "x"
			// +patchKey=containerPath
			volumeDevices: []
		}]
		if parameter.replicas > 1 {
			// +patchStrategy=replace
			tolerations: []
		}
	}
	// +patchStrategy=jsonMergePatch
	patchOutputs: svc: {
		metadata: labels: a: "b"
	}
	parameter: replicas: int
}`
	d, err := ParseCUE(cuecontext.New(), "t.cue", []byte(src))
	require.NoError(t, err)
	tests := []struct {
		path string
		want Tag
	}{
		{"patch.spec.replicas", Tag{Strategy: "retainKeys"}},
		{"patch", Tag{}},
		{"patch.spec", Tag{}},
		{"patch.spec.template.spec.containers", Tag{PatchKey: "name"}},
		{"patch.spec.template.spec.containers[3].volumeDevices", Tag{PatchKey: "containerPath"}},
		{"patch.spec.template.spec.tolerations", Tag{Strategy: "replace"}},
		{"patchOutputs.svc", Tag{Strategy: "jsonMergePatch"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, d.TagAt(tt.path), tt.path)
	}
}

func TestEmptyStructInParameterIsOpen(t *testing.T) {
	ctx := cuecontext.New()
	d, err := ParseCUE(ctx, "objs.cue", []byte("objs: {type: \"component\"}\ntemplate: {\n\toutput: parameter.objects[0]\n\tparameter: {\n\t\tobjects: [...{}]\n\t\tsub: {a: int}\n\t}\n}\n"))
	require.NoError(t, err)
	c, err := d.Compile(ctx)
	require.NoError(t, err)
	assert.NoError(t, c.Schema.Unify(ctx.CompileString(`{objects: [{apiVersion: "v1", kind: "ConfigMap"}], sub: a: 1}`)).Validate())
	assert.Error(t, c.Schema.Unify(ctx.CompileString(`{objects: [], sub: {a: 1, b: 2}}`)).Validate(), "a struct with fields stays closed")
}

func TestResourceType(t *testing.T) {
	tests := []struct{ apiVersion, kind, want string }{
		{"apps/v1", "Deployment", "deployments.apps"},
		{"batch/v1", "CronJob", "cronjobs.batch"},
		{"networking.k8s.io/v1", "Ingress", "ingresses.networking.k8s.io"},
		{"networking.k8s.io/v1", "NetworkPolicy", "networkpolicies.networking.k8s.io"},
		{"v1", "Service", "services"},
		{"gateway.networking.k8s.io/v1", "Gateway", "gateways.gateway.networking.k8s.io"},
		{"v1", "", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ResourceType(tt.apiVersion, tt.kind), tt.kind)
	}
}

func TestListArithmeticOnReferences(t *testing.T) {
	ctx := cuecontext.New()
	src := `x: {type: "component"}
template: {
	parts: {a: *["-v"] | [...string], b: [...string]}
	parts: b: ["y"]
	output: {
		args: parts.a + parts.b
		twice: parts.b * 2
		n: parameter.n + 1
		s: "a" + "b"
	}
	parameter: n: *1 | int
}
`
	d, err := ParseCUE(ctx, "x.cue", []byte(src))
	require.NoError(t, err)
	c, err := d.Compile(ctx)
	require.NoError(t, err)
	out := c.Fill(nil, ctx.CompileString(`{}`)).LookupPath(cue.ParsePath("output"))
	var got struct {
		Args, Twice []string
		N           int
		S           string
	}
	require.NoError(t, out.Decode(&got))
	assert.Equal(t, []string{"-v", "y"}, got.Args)
	assert.Equal(t, []string{"y", "y"}, got.Twice)
	assert.Equal(t, 2, got.N, "numbers are left alone")
	assert.Equal(t, "ab", got.S, "strings are left alone")
}
