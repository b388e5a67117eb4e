package patch

import (
	"encoding/json"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// doc decodes JSON into the document model (int64 for whole numbers).
func doc(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return normalize(v)
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	}
	return v
}

const deployment = `{"kind": "Deployment", "spec": {"replicas": 1, "template": {"spec": {"containers": [
	{"name": "web", "image": "nginx", "env": [{"name": "A", "value": "1"}]},
	{"name": "log", "image": "fluentbit"}]}}}}`

func TestMerge(t *testing.T) {
	tests := []struct {
		name, base, patch, want string
		tags                    map[string][2]string // from the definition's syntax
	}{{
		name:  "unify adds fields",
		base:  `{"spec": {"replicas": 1}}`,
		patch: `spec: paused: true`,
		want:  `{"spec": {"replicas": 1, "paused": true}}`,
	}, {
		name:  "same scalar is no conflict",
		base:  `{"spec": {"replicas": 1}}`,
		patch: `spec: replicas: 1`,
		want:  `{"spec": {"replicas": 1}}`,
	}, {
		name:  "default is taken",
		base:  `{}`,
		patch: `spec: replicas: *2 | int`,
		want:  `{"spec": {"replicas": 2}}`,
	}, {
		name: "patchKey merges items by key and appends new ones",
		base: deployment,
		patch: `spec: template: spec: {
			// +patchKey=name
			containers: [{name: "log", image: "fluentbit"}, {name: "web", resources: limits: cpu: "1"}, {name: "new", image: "busybox"}]
		}`,
		want: `{"kind": "Deployment", "spec": {"replicas": 1, "template": {"spec": {"containers": [
			{"name": "web", "image": "nginx", "env": [{"name": "A", "value": "1"}], "resources": {"limits": {"cpu": "1"}}},
			{"name": "log", "image": "fluentbit"},
			{"name": "new", "image": "busybox"}]}}}}`,
	}, {
		name: "patchKey is inherited by nested lists",
		base: deployment,
		patch: `spec: template: spec: {
			// +patchKey=name
			containers: [{name: "web", env: [{name: "A", value: "1"}, {name: "B", value: "2"}]}]
		}`,
		want: `{"kind": "Deployment", "spec": {"replicas": 1, "template": {"spec": {"containers": [
			{"name": "web", "image": "nginx", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
			{"name": "log", "image": "fluentbit"}]}}}}`,
	}, {
		name: "dotted and composite keys",
		base: `{"ports": [{"p": {"n": 80}, "proto": "TCP", "x": 1}, {"p": {"n": 80}, "proto": "UDP"}]}`,
		patch: `// +patchKey=p.n,proto
			ports: [{p: n: 80, proto: "UDP", x: 2}]`,
		want: `{"ports": [{"p": {"n": 80}, "proto": "TCP", "x": 1}, {"p": {"n": 80}, "proto": "UDP", "x": 2}]}`,
	}, {
		name: "patch items without the key unify by position",
		base: deployment,
		patch: `spec: template: spec: {
			// +patchKey=name
			containers: [{resources: limits: cpu: "1"}]
		}`,
		want: `{"kind": "Deployment", "spec": {"replicas": 1, "template": {"spec": {"containers": [
			{"name": "web", "image": "nginx", "env": [{"name": "A", "value": "1"}], "resources": {"limits": {"cpu": "1"}}},
			{"name": "log", "image": "fluentbit"}]}}}}`,
	}, {
		name: "the key reaches lists inside items",
		base: deployment,
		patch: `spec: template: spec: {
			// +patchKey=name
			containers: [{name: "web", env: [{name: "B", value: "2"}]}]
		}`,
		want: `{"kind": "Deployment", "spec": {"replicas": 1, "template": {"spec": {"containers": [
			{"name": "web", "image": "nginx", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
			{"name": "log", "image": "fluentbit"}]}}}}`,
	}, {
		name: "an empty keyed list stays a list",
		base: `{}`,
		patch: `// +patchKey=name
			volumeDevices: []`,
		want: `{"volumeDevices": []}`,
	}, {
		name:  "lists without a key unify by index",
		base:  `{"args": ["a", {"k": 1}]}`,
		patch: `args: ["a", {j: 2}, "c"]`,
		want:  `{"args": ["a", {"k": 1, "j": 2}, "c"]}`,
	}, {
		name:  "open list pattern applies to every item",
		base:  deployment,
		patch: `spec: template: spec: containers: [...{securityContext: readOnlyRootFilesystem: true}]`,
		want: `{"kind": "Deployment", "spec": {"replicas": 1, "template": {"spec": {"containers": [
			{"name": "web", "image": "nginx", "env": [{"name": "A", "value": "1"}], "securityContext": {"readOnlyRootFilesystem": true}},
			{"name": "log", "image": "fluentbit", "securityContext": {"readOnlyRootFilesystem": true}}]}}}}`,
	}, {
		name: "replace strategy replaces a list",
		base: `{"spec": {"args": ["a", "b"]}}`,
		patch: `spec: {
			// +patchStrategy=replace
			args: ["c"]
		}`,
		want: `{"spec": {"args": ["c"]}}`,
	}, {
		name:  "retainKeys replaces a struct wholesale",
		base:  `{"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}`,
		patch: `spec: strategy: type: "Recreate"`,
		tags:  map[string][2]string{"spec.strategy": {"", RetainKeys}},
		want:  `{"spec": {"strategy": {"type": "Recreate"}}}`,
	}, {
		name: "jsonMergePatch deletes with null",
		base: `{"metadata": {"labels": {"a": "1", "b": "2"}}}`,
		patch: `// +patchStrategy=jsonMergePatch
			metadata: labels: {a: null, c: "3"}`,
		want: `{"metadata": {"labels": {"b": "2", "c": "3"}}}`,
	}, {
		name:  "jsonPatch applies operations",
		base:  `{"spec": {"args": ["a", "b"]}}`,
		patch: `operations: [{op: "add", path: "/spec/args/1", value: "x"}, {op: "remove", path: "/spec/args/0"}]`,
		tags:  map[string][2]string{"": {"", JSONPatch}},
		want:  `{"spec": {"args": ["x", "b"]}}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := cuecontext.New()
			p := ctx.CompileString(tt.patch)
			require.NoError(t, p.Err())
			base := doc(t, tt.base)
			before := DeepCopy(base)
			m := &Merger{Tags: func(path string) (string, string) { return tt.tags[path][0], tt.tags[path][1] }}
			got, err := m.Merge(base, p)
			require.NoError(t, err)
			assert.Equal(t, doc(t, tt.want), got)
			assert.Equal(t, before, base, "the base document is not changed")
		})
	}
}

func TestMergeConflicts(t *testing.T) {
	tests := []struct {
		name, base, patch, path string
	}{
		{"different scalar", `{"spec": {"replicas": 1}}`, `spec: replicas: 2`, "spec.replicas"},
		{"struct over scalar", `{"spec": "x"}`, `spec: replicas: 2`, "spec"},
		{"list over struct", `{"spec": {"a": 1}}`, `spec: [1]`, "spec"},
		{"keyed item field", deployment, `spec: template: spec: {
			// +patchKey=name
			containers: [{name: "web", image: "httpd"}]
		}`, "spec.template.spec.containers[0].image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := cuecontext.New().CompileString(tt.patch, cue.Filename("trait.cue"))
			_, err := (&Merger{}).Merge(doc(t, tt.base), p)
			var c *Conflict
			require.ErrorAs(t, err, &c)
			assert.Equal(t, tt.path, c.Path)
			assert.Equal(t, "trait.cue", c.PatchPos.Filename(), "the conflict points at the patch")
		})
	}
}

func TestMergeRecordsWhoSetFields(t *testing.T) {
	set := map[string]token.Pos{}
	m := &Merger{Set: func(path string, pos token.Pos) { set[path] = pos }}
	p := cuecontext.New().CompileString("spec: {\n\treplicas: 3\n}", cue.Filename("scaler.cue"))
	_, err := m.Merge(doc(t, `{}`), p)
	require.NoError(t, err)
	require.Contains(t, set, "spec.replicas")
	assert.Equal(t, 2, set["spec.replicas"].Line())
}

func TestMergeIncompletePatch(t *testing.T) {
	p := cuecontext.New().CompileString(`spec: replicas: int`)
	_, err := (&Merger{}).Merge(doc(t, `{}`), p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.replicas")
}
