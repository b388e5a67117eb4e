package emit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oamc/oamc/compiler/emit"
	"github.com/oamc/oamc/compiler/render"
)

// objects returns a workload and a trait output, built fresh each call so
// that their maps are filled in a different order every time.
func objects() []*render.Object {
	return []*render.Object{
		{
			App: "shop", Component: "web", Role: render.Workload,
			Data: map[string]any{
				"kind":       "Deployment",
				"apiVersion": "apps/v1",
				"metadata": map[string]any{
					"name":   "web",
					"labels": map[string]any{"z": "last", "a": "first", "app.oam.dev/appRevision": ""},
				},
				"spec": map[string]any{
					"replicas": int64(3),
					"template": map[string]any{"spec": map[string]any{"containers": []any{
						map[string]any{"name": "web", "image": "nginx:1.27", "args": []any{"--port", "80"}},
					}}},
				},
			},
		},
		{
			App: "shop", Component: "web", Trait: "expose", Output: "service", Role: render.TraitOut,
			Data: map[string]any{
				"apiVersion": "v1",
				"kind":       "Service",
				"metadata":   map[string]any{"name": "web-service"},
				"spec": map[string]any{"ports": []any{
					map[string]any{"port": int64(80), "targetPort": "80", "enabled": "true", "weight": 1.5, "note": "a<b & c>d"},
				}},
			},
		},
	}
}

const wantYAML = `# Source: shop/web
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    a: first
    app.oam.dev/appRevision: ""
    z: last
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - --port
        - "80"
        image: nginx:1.27
        name: web
---
# Source: shop/web/expose
apiVersion: v1
kind: Service
metadata:
  name: web-service
spec:
  ports:
  - enabled: "true"
    note: a<b & c>d
    port: 80
    targetPort: "80"
    weight: 1.5
`

func TestWriteYAML(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, emit.Write(&b, emit.YAML, objects()))
	assert.Equal(t, wantYAML, b.String())
}

func TestWriteYAMLStreamShape(t *testing.T) {
	objs := append(objects(), objects()...)
	objs[2].Component, objs[3].Component = "db", "db"
	var b bytes.Buffer
	require.NoError(t, emit.Write(&b, emit.YAML, objs))
	out := b.String()
	docs := strings.Split(out, "---\n")
	require.Len(t, docs, 4, "one separator between objects, none before the first or after the last")
	sources := []string{"shop/web", "shop/web/expose", "shop/db", "shop/db/expose"}
	for i, d := range docs {
		assert.True(t, strings.HasPrefix(d, "# Source: "+sources[i]+"\n"), "document %d starts with its Source comment: %q", i, d)
		assert.NotEqual(t, "", strings.TrimSpace(strings.TrimPrefix(d, "# Source: "+sources[i]+"\n")), "document %d is not empty", i)
		assert.True(t, strings.HasSuffix(d, "\n"), "document %d ends with a newline", i)
	}
	assert.False(t, strings.HasPrefix(out, "---"))
	assert.False(t, strings.HasSuffix(out, "---\n"))
	assert.NotContains(t, out, "---\n---", "no empty documents")
}

func TestWriteNoObjects(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, emit.Write(&b, emit.YAML, nil))
	assert.Empty(t, b.String(), "no objects, no documents: not even a separator")

	b.Reset()
	require.NoError(t, emit.Write(&b, emit.JSON, nil))
	var list map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &list))
	assert.Equal(t, []any{}, list["items"], "an empty List has items: [], not null")
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, emit.Write(&b, emit.JSON, objects()))
	out := b.String()

	var list struct {
		APIVersion string           `json:"apiVersion"`
		Kind       string           `json:"kind"`
		Items      []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &list))
	assert.Equal(t, "v1", list.APIVersion)
	assert.Equal(t, "List", list.Kind)
	require.Len(t, list.Items, 2)
	assert.Equal(t, "Deployment", list.Items[0]["kind"])
	assert.Equal(t, "Service", list.Items[1]["kind"])
	assert.Equal(t, float64(3), list.Items[0]["spec"].(map[string]any)["replicas"])

	assert.True(t, strings.HasPrefix(out, "{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n    {\n      \"apiVersion\": \"apps/v1\",\n"), "indented by two spaces with sorted keys:\n%s", out)
	assert.True(t, strings.HasSuffix(out, "  ],\n  \"kind\": \"List\"\n}\n"), "ends with one newline:\n%s", out)
	assert.Contains(t, out, `"note": "a<b & c>d"`, "HTML characters are not escaped")
	assert.Contains(t, out, `"app.oam.dev/appRevision": ""`)
	assert.NotContains(t, out, "# Source", "JSON has no comments")
	assert.Less(t, strings.Index(out, `"a": "first"`), strings.Index(out, `"z": "last"`), "keys are sorted")
}

func TestWriteUnknownFormat(t *testing.T) {
	for _, f := range []emit.Format{"xml", "", "YAML"} {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			err := emit.Write(&b, f, objects())
			require.Error(t, err)
			assert.Equal(t, `unknown output format "`+string(f)+`": expected yaml or json`, err.Error())
			assert.Empty(t, b.String(), "nothing is written")
		})
	}
}

func TestFormats(t *testing.T) {
	assert.Equal(t, []emit.Format{emit.YAML, emit.JSON}, emit.Formats)
	for _, f := range emit.Formats {
		assert.NoError(t, emit.Write(&bytes.Buffer{}, f, objects()), "every listed format is accepted")
	}
}

func TestWriteNothingOnEncodingError(t *testing.T) {
	for _, f := range emit.Formats {
		t.Run(string(f), func(t *testing.T) {
			objs := objects()
			objs[1].Data["spec"] = map[string]any{"bad": func() {}}
			var b bytes.Buffer
			err := emit.Write(&b, f, objs)
			require.Error(t, err)
			assert.Empty(t, b.String(), "no partial stream: the first object is not written either")
			if f == emit.YAML {
				assert.Contains(t, err.Error(), "shop/web/expose", "the error names the object")
			}
		})
	}
}

type failingWriter struct{}

var errDiskFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteReportsWriterErrors(t *testing.T) {
	for _, f := range emit.Formats {
		assert.ErrorIs(t, emit.Write(failingWriter{}, f, objects()), errDiskFull, string(f))
	}
}

// countingWriter counts Write calls.
type countingWriter struct {
	bytes.Buffer
	calls int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.calls++
	return w.Buffer.Write(p)
}

func TestWriteIsOneWrite(t *testing.T) {
	for _, f := range emit.Formats {
		w := &countingWriter{}
		require.NoError(t, emit.Write(w, f, objects()))
		assert.Equal(t, 1, w.calls, "%s is written in one call", f)
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	for _, f := range emit.Formats {
		t.Run(string(f), func(t *testing.T) {
			var first bytes.Buffer
			require.NoError(t, emit.Write(&first, f, objects()))
			for i := range 20 {
				var b bytes.Buffer
				require.NoError(t, emit.Write(&b, f, objects()))
				require.Equal(t, first.String(), b.String(), "run %d", i)
			}
		})
	}
}

func TestWriteYAMLValuesCannotBreakTheStream(t *testing.T) {
	objs := []*render.Object{{
		App: "shop", Component: "cfg", Role: render.Workload,
		Data: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "cfg"},
			"data": map[string]any{"multi": "a: 1\n---\nb: 2\n", "sep": "---", "comment": "# Source: evil"},
		},
	}, objects()[1]}
	var b bytes.Buffer
	require.NoError(t, emit.Write(&b, emit.YAML, objs))
	lines := strings.Split(b.String(), "\n")
	var seps, sources int
	for _, l := range lines {
		if l == "---" {
			seps++
		}
		if strings.HasPrefix(l, "# Source:") {
			sources++
		}
	}
	assert.Equal(t, 1, seps, "only the separator between the two objects starts a line:\n%s", b.String())
	assert.Equal(t, 2, sources, "only the two Source comments start a line:\n%s", b.String())
}
