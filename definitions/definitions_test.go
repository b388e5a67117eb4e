package definitions_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
	cueyaml "cuelang.org/go/encoding/yaml"
	"sigs.k8s.io/yaml"

	"github.com/oamc/oamc/compiler/definition"
	"github.com/oamc/oamc/compiler/value"
	"github.com/oamc/oamc/definitions"
)

// files lists the standard library: "components/webservice.cue", ...
func files(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"components", "traits"} {
		entries, err := fs.ReadDir(definitions.FS, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".cue") {
				out = append(out, dir+"/"+e.Name())
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no definitions embedded")
	}
	return out
}

func read(t *testing.T, file string) []byte {
	t.Helper()
	b, err := fs.ReadFile(definitions.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestShape checks each file's layout: one header named after the file with
// the type of its folder, a template, and a +usage comment on every field of
// the parameter schema (including the definitions it uses).
func TestShape(t *testing.T) {
	for _, file := range files(t) {
		t.Run(file, func(t *testing.T) {
			f, err := parser.ParseFile(file, read(t, file), parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(path.Base(file), ".cue")
			wantType := map[string]string{"components": "component", "traits": "trait"}[path.Dir(file)]
			var header, template *ast.Field
			for _, d := range f.Decls {
				fd, ok := d.(*ast.Field)
				if !ok {
					continue
				}
				label, _, _ := ast.LabelName(fd.Label)
				switch label {
				case "template":
					template = fd
				case name:
					header = fd
				default:
					t.Errorf("unexpected top-level field %q", label)
				}
			}
			if header == nil || template == nil {
				t.Fatalf("want top-level fields %q and template", name)
			}
			v := cuecontext.New().BuildExpr(header.Value)
			if got, _ := v.LookupPath(cue.ParsePath("type")).String(); got != wantType {
				t.Errorf("type = %q, want %q", got, wantType)
			}
			if d, _ := v.LookupPath(cue.ParsePath("description")).String(); d == "" {
				t.Error("no description")
			}
			tmpl, ok := template.Value.(*ast.StructLit)
			if !ok {
				t.Fatal("template is not a struct")
			}
			found := false
			for _, d := range tmpl.Elts {
				fd, ok := d.(*ast.Field)
				if !ok {
					continue
				}
				label, _, _ := ast.LabelName(fd.Label)
				if label == "parameter" || strings.HasPrefix(label, "#") {
					found = found || label == "parameter"
					checkFields(t, label, fd)
				}
			}
			if !found {
				t.Error("template has no parameter")
			}
		})
	}
}

// checkFields wants a +usage comment on every field below fd.
func checkFields(t *testing.T, at string, fd *ast.Field) {
	t.Helper()
	ast.Walk(fd.Value, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.Field:
			l, _, _ := ast.LabelName(x.Label)
			if _, ok := x.Label.(*ast.ListLit); ok { // a pattern constraint [string]: ...
				return true
			}
			if !hasUsage(x) {
				t.Errorf("%s.%s: no // +usage= comment", at, l)
			}
			checkFields(t, at+"."+l, x)
			return false
		case *ast.CallExpr:
			return false
		}
		return true
	}, nil)
}

func hasUsage(fd *ast.Field) bool {
	for _, cg := range ast.Comments(fd) {
		if strings.Contains(cg.Text(), "+usage=") {
			return true
		}
	}
	return false
}

// render evaluates one definition on its own, in plain CUE: compile, fill
// context and parameter with FillPath, read output, outputs and patch. It
// checks the definitions apart from the compiler (whose path the golden
// cases and BenchmarkDefinitions take), including when filled with Go data.
func render(t *testing.T, c *cue.Context, file string, params any, ctx map[string]any) (out map[string]any, err error) {
	t.Helper()
	v := c.CompileBytes(read(t, file), cue.Filename(file))
	if v.Err() != nil {
		t.Fatalf("compile: %v", v.Err())
	}
	full := map[string]any{
		"name": "web", "appName": "shop", "namespace": "default",
		"appRevision": "", "appRevisionNum": 0, "revision": "",
		"appLabels": map[string]any{}, "appAnnotations": map[string]any{},
		"components": []any{}, "cluster": "", "publishVersion": "",
		"workflowName": "", "replicaKey": "",
		"clusterVersion": map[string]any{"major": 1, "minor": 34, "gitVersion": "v1.34.0"},
	}
	for k, x := range ctx {
		full[k] = x
	}
	tmpl := v.LookupPath(cue.ParsePath("template"))
	tmpl = tmpl.FillPath(cue.ParsePath("context"), full)
	tmpl = tmpl.FillPath(cue.ParsePath("parameter"), params)
	// Like the compiler: the properties are checked before anything is read.
	if err := tmpl.LookupPath(cue.ParsePath("parameter")).Validate(cue.Concrete(true), cue.Final()); err != nil {
		return nil, fmt.Errorf("parameter: %w", err)
	}
	out = map[string]any{}
	for _, field := range []string{"output", "outputs", "patch"} {
		x := tmpl.LookupPath(cue.ParsePath(field))
		if !x.Exists() {
			continue
		}
		if err := x.Validate(cue.Concrete(true), cue.Final()); err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		b, err := x.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		var data any
		if err := json.Unmarshal(b, &data); err != nil {
			t.Fatal(err)
		}
		out[field] = data
	}
	return out, nil
}

func fromYAML(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad YAML in test: %v", err)
	}
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// cueYAML reads YAML the way the compiler reads application files: ints
// stay ints and null stays null.
func cueYAML(t testing.TB, c *cue.Context, s string) cue.Value {
	t.Helper()
	f, err := cueyaml.Extract("test.yaml", []byte(s))
	if err != nil {
		t.Fatalf("bad YAML in test: %v", err)
	}
	v := c.BuildFile(f)
	if v.Err() != nil {
		t.Fatalf("bad YAML in test: %v", v.Err())
	}
	return v
}

// deployment is the webservice workload the trait cases patch.
const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app.oam.dev/component: web}}
  template:
    metadata: {labels: {app.oam.dev/component: web}}
    spec:
      containers:
      - name: web
        image: nginx
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
      volumes: [{name: cache, emptyDir: {}}]
`

func TestRender(t *testing.T) {
	cases := []struct {
		name   string
		file   string
		params string
		output string // context.output, for traits
		want   string // YAML of {output, outputs, patch}, compared exactly
		err    string // a substring of the error, when one is expected
	}{{
		name:   "webservice exposes a port by name",
		file:   "components/webservice.cue",
		params: `{image: "nginx:1.27", ports: [{port: 80, expose: true}, {port: 9090, name: metrics}], cpu: 500m}`,
		want: `
output:
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app.oam.dev/component: web}}
    template:
      metadata: {labels: {app.oam.dev/name: shop, app.oam.dev/component: web}}
      spec:
        containers:
        - name: web
          image: nginx:1.27
          ports:
          - {name: port-80, containerPort: 80, protocol: TCP}
          - {name: metrics, containerPort: 9090, protocol: TCP}
          resources: {requests: {cpu: 500m}, limits: {cpu: 500m}}
outputs:
  webserviceExpose:
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      type: ClusterIP
      selector: {app.oam.dev/component: web}
      ports: [{name: port-80, port: 80, targetPort: port-80, protocol: TCP}]
`,
	}, {
		name:   "webservice volumes",
		file:   "components/webservice.cue",
		params: `{image: nginx, volumeMounts: {pvc: [{name: data, mountPath: /data, claimName: c}], configMap: [{name: cfg, mountPath: /etc/a, cmName: cm}, {name: cfg, mountPath: /etc/b, cmName: cm}], emptyDir: [{name: tmp, mountPath: /tmp, medium: Memory}]}, volumes: [{name: s, mountPath: /s, type: secret, secretName: sec}]}`,
		want: `
output:
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app.oam.dev/component: web}}
    template:
      metadata: {labels: {app.oam.dev/name: shop, app.oam.dev/component: web}}
      spec:
        containers:
        - name: web
          image: nginx
          volumeMounts:
          - {name: data, mountPath: /data}
          - {name: cfg, mountPath: /etc/a}
          - {name: cfg, mountPath: /etc/b}
          - {name: s, mountPath: /s}
          - {name: tmp, mountPath: /tmp}
        volumes:
        - {name: data, persistentVolumeClaim: {claimName: c}}
        - {name: cfg, configMap: {name: cm, defaultMode: 420}}
        - {name: s, secret: {secretName: sec, defaultMode: 420}}
        - {name: tmp, emptyDir: {medium: Memory}}
`,
	}, {
		name:   "webservice needs an image",
		file:   "components/webservice.cue",
		params: `{}`,
		err:    "image",
	}, {
		name:   "webservice rejects a wrong type",
		file:   "components/webservice.cue",
		params: `{image: nginx, ports: [{port: "80"}]}`,
		err:    "port",
	}, {
		name:   "webservice rejects two ports with one name",
		file:   "components/webservice.cue",
		params: `{image: nginx, ports: [{port: 53}, {port: 53, protocol: UDP}]}`,
		err:    "more than one port is named port-53",
	}, {
		name:   "webservice rejects a probe with two handlers",
		file:   "components/webservice.cue",
		params: `{image: nginx, livenessProbe: {exec: {command: [x]}, tcpSocket: {port: 80}}}`,
		err:    "livenessProbe needs exactly one of",
	}, {
		name:   "worker",
		file:   "components/worker.cue",
		params: `{image: busybox, cmd: [sleep, "100"], env: [{name: X, valueFrom: {configMapKeyRef: {name: c, key: k}}}]}`,
		want: `
output:
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app.oam.dev/component: web}}
    template:
      metadata: {labels: {app.oam.dev/name: shop, app.oam.dev/component: web}}
      spec:
        containers:
        - name: web
          image: busybox
          command: [sleep, "100"]
          env: [{name: X, valueFrom: {configMapKeyRef: {name: c, key: k}}}]
`,
	}, {
		name:   "task",
		file:   "components/task.cue",
		params: `{image: perl, count: 3, restart: OnFailure, labels: {a: b}}`,
		want: `
output:
  apiVersion: batch/v1
  kind: Job
  metadata: {name: web, labels: {a: b}}
  spec:
    parallelism: 3
    completions: 3
    template:
      metadata: {labels: {a: b, app.oam.dev/name: shop, app.oam.dev/component: web}}
      spec:
        restartPolicy: OnFailure
        containers: [{name: web, image: perl}]
`,
	}, {
		name:   "task restart is Never or OnFailure",
		file:   "components/task.cue",
		params: `{image: perl, restart: Always}`,
		err:    "restart",
	}, {
		name:   "k8s-objects",
		file:   "components/k8s-objects.cue",
		params: `{objects: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}, {apiVersion: v1, kind: Secret, metadata: {name: b}}]}`,
		want: `
output: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
outputs:
  objects-1: {apiVersion: v1, kind: Secret, metadata: {name: b}}
`,
	}, {
		name:   "k8s-objects needs an object",
		file:   "components/k8s-objects.cue",
		params: `{objects: []}`,
		err:    "MinItems",
	}, {
		name:   "scaler",
		file:   "traits/scaler.cue",
		params: `{replicas: 3}`,
		output: deployment,
		want:   `patch: {spec: {replicas: 3}}`,
	}, {
		name:   "scaler rejects negative replicas",
		file:   "traits/scaler.cue",
		params: `{replicas: -1}`,
		output: deployment,
		err:    "replicas",
	}, {
		name:   "labels",
		file:   "traits/labels.cue",
		params: `{team: a, old: null}`,
		output: deployment,
		want: `
patch:
  metadata: {labels: {team: a, old: null}}
  spec: {template: {metadata: {labels: {team: a, old: null}}}}
`,
	}, {
		name:   "annotations on an object without pods",
		file:   "traits/annotations.cue",
		params: `{a: b}`,
		output: `{apiVersion: v1, kind: ConfigMap, metadata: {name: x}}`,
		want:   `patch: {metadata: {annotations: {a: b}}}`,
	}, {
		name:   "env",
		file:   "traits/env.cue",
		params: `{env: {B: "3", C: "4"}}`,
		output: deployment,
		want: `
patch:
  spec: {template: {spec: {containers: [{name: web, env: [{name: A, value: "1"}, {name: B, value: "3"}, {name: C, value: "4"}]}]}}}
`,
	}, {
		name:   "env replace and unset",
		file:   "traits/env.cue",
		params: `{containers: [{replace: true, env: {C: "4"}}]}`,
		output: deployment,
		want: `
patch:
  spec: {template: {spec: {containers: [{name: web, env: [{name: C, value: "4"}]}]}}}
`,
	}, {
		name:   "env on a missing container",
		file:   "traits/env.cue",
		params: `{containerName: nope, env: {C: "4"}}`,
		output: deployment,
		err:    `no container named "nope"`,
	}, {
		name:   "expose",
		file:   "traits/expose.cue",
		params: `{port: [80], ports: [{port: 53, protocol: UDP, nodePort: 30053}], type: NodePort}`,
		output: deployment,
		want: `
outputs:
  service:
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      type: NodePort
      selector: {app.oam.dev/component: web}
      ports:
      - {name: port-80, port: 80, targetPort: 80, protocol: TCP}
      - {name: port-53, port: 53, targetPort: 53, protocol: UDP, nodePort: 30053}
`,
	}, {
		name:   "expose needs a port",
		file:   "traits/expose.cue",
		params: `{}`,
		output: deployment,
		err:    "give the ports to expose",
	}, {
		name:   "sidecar",
		file:   "traits/sidecar.cue",
		params: `{name: log, image: busybox, args: [tail], volumes: [{name: cache, path: /cache}]}`,
		output: deployment,
		want: `
patch:
  spec: {template: {spec: {containers: [{name: log, image: busybox, args: [tail], volumeMounts: [{name: cache, mountPath: /cache}]}]}}}
`,
	}, {
		name:   "sidecar mounts only existing volumes",
		file:   "traits/sidecar.cue",
		params: `{name: log, image: busybox, volumes: [{name: nope, path: /x}]}`,
		output: deployment,
		err:    "no volume named nope",
	}, {
		name:   "webservice lists every repeated port name",
		file:   "components/webservice.cue",
		params: `{image: nginx, ports: [{port: 53}, {port: 53, protocol: UDP}, {port: 80, name: port-53}, {port: 81, name: a}, {port: 82, name: a}, {port: 83, name: a}]}`,
		err:    "more than one port is named port-53, port-53, a, a;",
	}, {
		name:   "webservice deprecated port, limits and node ports",
		file:   "components/webservice.cue",
		params: `{image: nginx, port: 8080, ports: [{port: 80, expose: true, nodePort: 30080, containerPort: 8080, name: http}, {port: 53, protocol: UDP}], exposeType: NodePort, memory: 1Gi, limit: {cpu: "2"}, addRevisionLabel: true}`,
		want: `
output:
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app.oam.dev/component: web}}
    template:
      metadata: {labels: {app.oam.dev/name: shop, app.oam.dev/component: web, app.oam.dev/revision: ""}}
      spec:
        containers:
        - name: web
          image: nginx
          ports:
          - {name: http, containerPort: 8080, protocol: TCP}
          - {name: port-53, containerPort: 53, protocol: UDP}
          resources: {requests: {memory: 1Gi}, limits: {cpu: "2", memory: 1Gi}}
outputs:
  webserviceExpose:
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      type: NodePort
      selector: {app.oam.dev/component: web}
      ports: [{name: http, port: 80, targetPort: http, protocol: TCP, nodePort: 30080}]
`,
	}, {
		name:   "webservice only port, empty limit",
		file:   "components/webservice.cue",
		params: `{image: nginx, port: 8080, limit: {}, volumeMounts: {}}`,
		want: `
output:
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app.oam.dev/component: web}}
    template:
      metadata: {labels: {app.oam.dev/name: shop, app.oam.dev/component: web}}
      spec:
        containers:
        - name: web
          image: nginx
          ports: [{name: port-8080, containerPort: 8080, protocol: TCP}]
`,
	}, {
		name:   "worker rejects two volumes under one name",
		file:   "components/worker.cue",
		params: `{image: busybox, volumes: [{name: x, mountPath: /a, type: pvc, claimName: a}, {name: x, mountPath: /b, type: pvc, claimName: b}]}`,
		err:    "conflicting values",
	}, {
		name:   "task volumes of every kind",
		file:   "components/task.cue",
		params: `{image: perl, volumeMounts: {hostPath: [{name: h, mountPath: /h, path: /var, type: Directory, readOnly: true}], secret: [{name: s, mountPath: /s, secretName: sec, items: [{key: a, path: b}]}]}, volumes: [{name: e, mountPath: /e}, {name: c, mountPath: /c, type: configMap, cmName: cm}]}`,
		want: `
output:
  apiVersion: batch/v1
  kind: Job
  metadata: {name: web}
  spec:
    parallelism: 1
    completions: 1
    template:
      metadata: {labels: {app.oam.dev/name: shop, app.oam.dev/component: web}}
      spec:
        restartPolicy: Never
        containers:
        - name: web
          image: perl
          volumeMounts:
          - {name: c, mountPath: /c}
          - {name: s, mountPath: /s}
          - {name: e, mountPath: /e}
          - {name: h, mountPath: /h, readOnly: true}
        volumes:
        - {name: c, configMap: {name: cm, defaultMode: 420}}
        - {name: s, secret: {secretName: sec, defaultMode: 420, items: [{key: a, path: b, mode: 511}]}}
        - {name: e, emptyDir: {}}
        - {name: h, hostPath: {path: /var, type: Directory}}
`,
	}, {
		name:   "env unset",
		file:   "traits/env.cue",
		params: `{unset: [A]}`,
		output: deployment,
		want: `
patch:
  spec: {template: {spec: {containers: [{name: web, env: [{name: B, value: "2"}]}]}}}
`,
	}, {
		name:   "env lists every repeated container",
		file:   "traits/env.cue",
		params: `{containers: [{containerName: side}, {containerName: side}, {containerName: side}, {containerName: web}, {}]}`,
		output: deployment,
		err:    "container side, side, web is listed more than once",
	}, {
		name:   "expose lists every repeated port name",
		file:   "traits/expose.cue",
		params: `{port: [80], ports: [{port: 80}, {port: 81, name: port-80}, {port: 82, name: x}, {port: 83, name: x}]}`,
		output: deployment,
		err:    "more than one port is named port-80, port-80, x;",
	}}
	for _, tc := range cases {
		// The compiler may fill parameter and context.output from CUE values
		// or from plain Go data; the two take different paths through CUE, so
		// try both.
		for _, fill := range []string{"cue", "go"} {
			t.Run(tc.name+"/"+fill, func(t *testing.T) {
				c := cuecontext.New()
				ctx := map[string]any{}
				if tc.output != "" {
					if fill == "go" {
						ctx["output"] = c.Encode(goData(t, tc.output))
					} else {
						ctx["output"] = cueYAML(t, c, tc.output)
					}
					ctx["outputs"] = map[string]any{}
					ctx["componentType"] = "webservice"
				}
				params := cueYAML(t, c, tc.params)
				if fill == "go" {
					// Encode, not FillPath(path, data): FillPath takes a Go
					// nil for "no value" where Encode makes it null.
					params = c.Encode(goData(t, tc.params))
				}
				check(t, c, tc.file, params, ctx, tc.want, tc.err)
			})
		}
	}
}

// check renders file and compares the result with want (YAML), or the
// error with wantErr.
func check(t *testing.T, c *cue.Context, file string, params any, ctx map[string]any, want, wantErr string) {
	t.Helper()
	got, err := render(t, c, file, params, ctx)
	if wantErr != "" {
		if err == nil {
			t.Fatalf("want an error mentioning %q, got %v", wantErr, got)
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("want an error mentioning %q, got %v", wantErr, err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	// Round-trip through JSON so numbers compare alike.
	if !reflect.DeepEqual(normal(t, got), normal(t, fromYAML(t, want))) {
		g, _ := yaml.Marshal(got)
		t.Errorf("got:\n%s", g)
	}
}

// goData reads YAML into plain Go data with integers as int64, the form the
// compiler's value package produces.
func goData(t testing.TB, s string) any {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(s))
	if err != nil {
		t.Fatalf("bad YAML in test: %v", err)
	}
	d := json.NewDecoder(strings.NewReader(string(j)))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		t.Fatal(err)
	}
	var fix func(any) any
	fix = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				x[k] = fix(v)
			}
		case []any:
			for i, v := range x {
				x[i] = fix(v)
			}
		case json.Number:
			if n, err := x.Int64(); err == nil {
				return n
			}
			f, _ := x.Float64()
			return f
		}
		return x
	}
	return fix(x)
}

func normal(t *testing.T, x any) any {
	t.Helper()
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// benchCases are realistic properties for each definition; traits patch the
// webservice Deployment below.
var benchCases = []struct{ file, params string }{
	{"components/webservice.cue", `
image: nginx:1.27
ports:
- {port: 80, expose: true}
- {port: 9090, name: metrics}
env:
- {name: LOG_LEVEL, value: info}
- {name: TOKEN, valueFrom: {secretKeyRef: {name: api, key: token}}}
cpu: 500m
memory: 256Mi
`},
	{"components/worker.cue", `
image: busybox:1.36
cmd: [sleep, "3600"]
env:
- {name: LOG_LEVEL, value: info}
- {name: TOKEN, valueFrom: {secretKeyRef: {name: api, key: token}}}
cpu: 250m
memory: 128Mi
`},
	{"components/task.cue", `
image: perl:5.40
cmd: [perl, -e, "print 1"]
count: 2
restart: OnFailure
env:
- {name: LOG_LEVEL, value: info}
cpu: 100m
`},
	{"components/k8s-objects.cue", `
objects:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {k: v}}
- {apiVersion: v1, kind: Secret, metadata: {name: b}, stringData: {k: v}}
`},
	{"traits/annotations.cue", `{owner: team-a, note: "x"}`},
	{"traits/env.cue", `{env: {LOG_LEVEL: debug, REGION: eu}}`},
	{"traits/expose.cue", `{ports: [{port: 80}, {port: 9090, name: metrics}]}`},
	{"traits/labels.cue", `{tier: frontend, team: checkout}`},
	{"traits/scaler.cue", `{replicas: 3}`},
	{"traits/sidecar.cue", `{name: log, image: busybox:1.36, args: [tail, -f, /cache/log], volumes: [{name: cache, path: /cache}]}`},
}

// benchWorkload is context.output for the trait cases: what webservice
// renders for its case above.
const benchWorkload = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app.oam.dev/component: web}}
  template:
    metadata: {labels: {app.oam.dev/name: shop, app.oam.dev/component: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - {name: port-80, containerPort: 80, protocol: TCP}
        - {name: metrics, containerPort: 9090, protocol: TCP}
        env:
        - {name: LOG_LEVEL, value: info}
        - {name: TOKEN, valueFrom: {secretKeyRef: {name: api, key: token}}}
        resources:
          requests: {cpu: 500m, memory: 256Mi}
          limits: {cpu: 500m, memory: 256Mi}
      volumes: [{name: cache, emptyDir: {}}]
`

// BenchmarkDefinitions renders each definition the way the compiler does:
// compiled once, then per render Fill (context and properties) and output,
// outputs and patch read as Go data. The whole compiler's cost on an app is
// compiler's BenchmarkRender.
func BenchmarkDefinitions(b *testing.B) {
	ctx := cuecontext.New()
	defs, err := definition.LoadFS(ctx, definitions.FS, ".", "<stdlib>/")
	if err != nil {
		b.Fatal(err)
	}
	byFile := map[string]*definition.Definition{}
	for _, d := range defs {
		byFile[strings.TrimPrefix(d.File, "<stdlib>/")] = d
	}
	base := map[string]any{
		"name": "web", "appName": "shop", "namespace": "default",
		"appRevision": "", "appRevisionNum": 0, "revision": "",
		"appLabels": map[string]any{}, "appAnnotations": map[string]any{},
		"components": []any{}, "cluster": "", "publishVersion": "",
		"workflowName": "", "replicaKey": "",
		"clusterVersion": map[string]any{"major": 1, "minor": 34, "gitVersion": "v1.34.0", "platform": "linux/amd64"},
	}
	for _, bc := range benchCases {
		d := byFile[bc.file]
		if d == nil {
			b.Fatalf("%s: not loaded", bc.file)
		}
		b.Run(d.Name, func(b *testing.B) {
			cd, err := d.Compile(ctx)
			if err != nil {
				b.Fatal(err)
			}
			props := cueYAML(b, ctx, bc.params)
			pgo, err := value.ToGo(props)
			if err != nil {
				b.Fatal(err)
			}
			c := maps.Clone(base)
			c["parameter"] = pgo
			if d.Type == definition.Trait {
				c["output"] = goData(b, benchWorkload)
				c["outputs"] = map[string]any{}
				c["componentType"] = "webservice"
			}
			b.ReportAllocs()
			for b.Loop() {
				tmpl := cd.Fill(c, props)
				n := 0
				for _, field := range []string{"output", "outputs", "patch"} {
					v := tmpl.LookupPath(cue.ParsePath(field))
					if !v.Exists() {
						continue
					}
					if _, err := value.ToGo(v); err != nil {
						b.Fatalf("%s: %v", field, err)
					}
					n++
				}
				if n == 0 {
					b.Fatal("nothing rendered")
				}
			}
		})
	}
}
