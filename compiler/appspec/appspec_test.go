package appspec_test

import (
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oamc/oamc/compiler/appspec"
	"github.com/oamc/oamc/compiler/diag"
	"github.com/oamc/oamc/compiler/source"
)

// decode parses src as app.yaml and decodes its only document.
func decode(t *testing.T, src string) (*appspec.Application, diag.List) {
	t.Helper()
	docs, d := source.Parse("app.yaml", []byte(src))
	require.Nil(t, d, "the test input must be valid YAML")
	require.Len(t, docs, 1)
	return appspec.Decode(cuecontext.New(), docs[0])
}

func at(line, col int) diag.Pos { return diag.Pos{File: "app.yaml", Line: line, Col: col} }

const fullApp = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
  namespace: prod
  labels:
    team: checkout
    "app.kubernetes.io/part-of": store
  annotations:
    note: hello
spec:
  components:
    - name: web
      type: webservice
      properties:
        image: nginx:1.27
        ports:
          - port: 80
      traits:
        - type: scaler
          properties:
            replicas: 3
        - type: expose
    - name: db-1
      type: worker
      dependsOn: [web]
  policies:
    - name: topo
      type: topology
      properties:
        clusters: [local]
`

func TestDecodeFull(t *testing.T) {
	app, errs := decode(t, fullApp)
	require.Empty(t, errs)
	require.NotNil(t, app)

	assert.Equal(t, "app.yaml", app.File)
	assert.Equal(t, at(1, 1), app.Pos)
	assert.Equal(t, "shop", app.Name)
	assert.Equal(t, "prod", app.Namespace)
	assert.Equal(t, map[string]string{"team": "checkout", "app.kubernetes.io/part-of": "store"}, app.Labels)
	assert.Equal(t, map[string]string{"note": "hello"}, app.Annotations)
	require.Len(t, app.Components, 2)

	web := app.Components[0]
	assert.Equal(t, "web", web.Name)
	assert.Equal(t, "webservice", web.Type)
	assert.Equal(t, at(13, 7), web.Pos)
	assert.Equal(t, at(14, 7), web.TypePos)
	assert.Equal(t, at(15, 7), web.PropsPos)
	img, err := web.Properties.LookupPath(cue.ParsePath("image")).String()
	require.NoError(t, err)
	assert.Equal(t, "nginx:1.27", img)
	assert.Equal(t, at(16, 9), diag.FromToken(web.Properties.LookupPath(cue.ParsePath("image")).Pos()))
	assert.Equal(t, at(18, 13), diag.FromToken(web.Properties.LookupPath(cue.ParsePath("ports[0].port")).Pos()))

	require.Len(t, web.Traits, 2)
	scaler := web.Traits[0]
	assert.Equal(t, "scaler", scaler.Type)
	assert.Equal(t, at(20, 11), scaler.Pos)
	assert.Equal(t, at(20, 11), scaler.TypePos)
	assert.Equal(t, at(21, 11), scaler.PropsPos)
	n, err := scaler.Properties.LookupPath(cue.ParsePath("replicas")).Int64()
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)

	expose := web.Traits[1]
	assert.Equal(t, "expose", expose.Type)
	assert.Equal(t, at(23, 11), expose.Pos)
	assert.Equal(t, expose.Pos, expose.PropsPos, "without properties, they are at the trait's entry")
	assertEmptyStruct(t, expose.Properties)

	db := app.Components[1]
	assert.Equal(t, "db-1", db.Name)
	assert.Equal(t, "worker", db.Type)
	assert.Equal(t, at(24, 7), db.Pos)
	assert.Equal(t, db.Pos, db.PropsPos, "without properties, they are at the component's entry")
	assertEmptyStruct(t, db.Properties)
	assert.Empty(t, db.Traits)
	assert.Equal(t, map[string]any{"name": "db-1", "type": "worker", "dependsOn": []any{"web"}}, db.Data)
	assert.Equal(t, "nginx:1.27", web.Data["properties"].(map[string]any)["image"], "Data is the entry as written")

	require.Len(t, app.Policies, 1)
	assert.Equal(t, "topo", app.Policies[0].Name)
	assert.Equal(t, "topology", app.Policies[0].Type)
	assert.Equal(t, at(28, 7), app.Policies[0].Pos)
}

func assertEmptyStruct(t *testing.T, v cue.Value) {
	t.Helper()
	require.NoError(t, v.Err())
	assert.Equal(t, cue.StructKind, v.Kind())
	it, err := v.Fields()
	require.NoError(t, err)
	assert.False(t, it.Next(), "no fields")
}

func TestDecodeDefaults(t *testing.T) {
	app, errs := decode(t, `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: web
      type: webservice
      properties:
      traits:
`)
	require.Empty(t, errs)
	assert.Equal(t, "default", app.Namespace, "the namespace is default when unset")
	assert.Empty(t, app.Labels)
	assert.Empty(t, app.Annotations)
	require.Len(t, app.Components, 1)
	assertEmptyStruct(t, app.Components[0].Properties)
	assert.Equal(t, at(7, 7), app.Components[0].PropsPos, "null properties are at the entry")
	assert.Empty(t, app.Components[0].Traits, "null traits are none")
	assert.Empty(t, app.Policies)
}

func TestDecodeEmptyNamespace(t *testing.T) {
	app, errs := decode(t, strings.Replace(minimal, "  name: shop\n", "  name: shop\n  namespace: \"\"\n", 1))
	require.Empty(t, errs)
	assert.Equal(t, "default", app.Namespace)
}

func TestDecodeJSON(t *testing.T) {
	app, errs := decode(t, `{"apiVersion": "core.oam.dev/v1beta1", "kind": "Application", "metadata": {"name": "j"},
 "spec": {"components": [{"name": "web", "type": "worker", "properties": {"image": "x"}}]}}`)
	require.Empty(t, errs)
	assert.Equal(t, "j", app.Name)
	require.Len(t, app.Components, 1)
	assert.Equal(t, "worker", app.Components[0].Type)
	assert.Equal(t, 2, app.Components[0].Pos.Line)
}

func TestDecodeSecondDocumentPositions(t *testing.T) {
	docs, d := source.Parse("app.yaml", []byte("a: 1\n---\n"+minimal))
	require.Nil(t, d)
	require.Len(t, docs, 2)
	app, errs := appspec.Decode(cuecontext.New(), docs[1])
	require.Empty(t, errs)
	assert.Equal(t, at(3, 1), app.Pos)
	assert.Equal(t, at(9, 7), app.Components[0].Pos)
}

const minimal = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: web
      type: webservice
`

// want is one expected diagnostic: its position, a part of its message
// and parts of its notes.
type want struct {
	pos   diag.Pos
	msg   string
	notes []string
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []want
	}{
		{
			name: "wrong kind",
			src:  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n",
			want: []want{{pos: at(2, 1), msg: `expected kind "Application", found "Deployment": oamc renders Applications (core.oam.dev/v1beta1)`}},
		},
		{
			name: "wrong apiVersion",
			src:  strings.Replace(minimal, "core.oam.dev/v1beta1", "core.oam.dev/v1alpha2", 1),
			want: []want{{pos: at(1, 1), msg: `expected apiVersion "core.oam.dev/v1beta1", found "core.oam.dev/v1alpha2"`}},
		},
		{
			name: "missing kind",
			src:  "apiVersion: core.oam.dev/v1beta1\nmetadata:\n  name: x\n",
			want: []want{{pos: at(1, 1), msg: `missing "kind": expected a string`}},
		},
		{
			name: "kind not a string",
			src:  "apiVersion: core.oam.dev/v1beta1\nkind: [Application]\n",
			want: []want{{pos: at(2, 1), msg: `"kind": expected a string, found a list`}},
		},
		{
			name: "not a mapping",
			src:  "- apiVersion: core.oam.dev/v1beta1\n",
			want: []want{{pos: at(1, 1), msg: "expected an Application (a mapping with apiVersion: core.oam.dev/v1beta1, kind: Application), found a list"}},
		},
		{
			name: "a scalar",
			src:  "hello\n",
			want: []want{{pos: at(1, 1), msg: `expected an Application (a mapping with apiVersion: core.oam.dev/v1beta1, kind: Application), found string "hello"`}},
		},
		{
			name: "missing metadata",
			src:  "apiVersion: core.oam.dev/v1beta1\nkind: Application\nspec:\n  components:\n    - name: web\n      type: worker\n",
			want: []want{{pos: at(1, 1), msg: "Application has no metadata: expected metadata.name"}},
		},
		{
			name: "missing name",
			src:  strings.Replace(minimal, "  name: shop\n", "  namespace: prod\n", 1),
			want: []want{{pos: at(3, 1), msg: `missing "name": expected a string`}},
		},
		{
			name: "empty metadata",
			src:  strings.Replace(minimal, "  name: shop\n", "", 1),
			want: []want{{pos: at(3, 1), msg: `missing "name": expected a string`}},
		},
		{
			name: "empty name",
			src:  strings.Replace(minimal, "name: shop", `name: ""`, 1),
			want: []want{{pos: at(4, 3), msg: `"name" is empty: expected a non-empty string`}},
		},
		{
			name: "name not a string",
			src:  strings.Replace(minimal, "name: shop", "name: 42", 1),
			want: []want{{pos: at(4, 3), msg: `"name": expected a string, found int 42`}},
		},
		{
			name: "missing spec",
			src:  "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\n",
			want: []want{{pos: at(1, 1), msg: `Application "shop" has no spec: expected spec.components`}},
		},
		{
			name: "missing components",
			src:  "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  policies: []\n",
			want: []want{{pos: at(5, 1), msg: `missing "components": expected a list`}},
		},
		{
			name: "empty components",
			src:  "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components: []\n",
			want: []want{{pos: at(6, 3), msg: `Application "shop" has no components`}},
		},
		{
			name: "components not a list",
			src:  "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    name: web\n",
			want: []want{{pos: at(6, 3), msg: `"components": expected a list, found a mapping`}},
		},
		{
			name: "component not a mapping",
			src:  minimal + "    - db\n",
			want: []want{{pos: at(9, 7), msg: `expected a component (a mapping with name, type and properties), found string "db"`}},
		},
		{
			name: "duplicate component names",
			src:  minimal + "    - name: web\n      type: worker\n",
			want: []want{{pos: at(9, 7), msg: `duplicate component name "web"`, notes: []string{"first defined at app.yaml:7:7"}}},
		},
		{
			name: "component without a name",
			src:  minimal + "    - type: worker\n",
			want: []want{{pos: at(9, 7), msg: `missing "name": expected a string`}},
		},
		{
			name: "component without a type",
			src:  minimal + "    - name: db\n",
			want: []want{{pos: at(9, 7), msg: `missing "type": expected a string`}},
		},
		{
			name: "unknown field in the Application",
			src:  minimal + "stauts: {}\n",
			want: []want{{pos: at(9, 1), msg: `unknown field "stauts" in Application`, notes: []string{`did you mean "status"?`}}},
		},
		{
			name: "unknown field without a close name",
			src:  minimal + "zzzzzz: 1\n",
			want: []want{{pos: at(9, 1), msg: `unknown field "zzzzzz" in Application`, notes: []string{"expected one of: [apiVersion kind metadata spec status]"}}},
		},
		{
			name: "typo in spec.components",
			src:  "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  componets:\n    - name: web\n      type: webservice\n",
			want: []want{{pos: at(6, 3), msg: `unknown field "componets" in spec`, notes: []string{`did you mean "components"?`}}},
		},
		{
			name: "typo in a component's name field",
			src:  strings.Replace(minimal, "- name: web", "- nmae: web", 1),
			want: []want{{pos: at(7, 7), msg: `unknown field "nmae" in component`, notes: []string{`did you mean "name"?`}}},
		},
		{
			name: "typo in a component's type field",
			src:  strings.Replace(minimal, "type: webservice", "tpye: webservice", 1),
			want: []want{{pos: at(8, 7), msg: `unknown field "tpye" in component`, notes: []string{`did you mean "type"?`}}},
		},
		{
			name: "typo in properties",
			src:  minimal + "      propertes:\n        image: x\n",
			want: []want{{pos: at(9, 7), msg: `unknown field "propertes" in component`, notes: []string{`did you mean "properties"?`}}},
		},
		{
			name: "typo in a trait",
			src:  minimal + "      traits:\n        - tpye: scaler\n",
			want: []want{{pos: at(10, 11), msg: `unknown field "tpye" in trait`, notes: []string{`did you mean "type"?`}}},
		},
		{
			name: "typo in metadata",
			src:  strings.Replace(minimal, "metadata:", "metdata:", 1),
			want: []want{{pos: at(3, 1), msg: `unknown field "metdata" in Application`, notes: []string{`did you mean "metadata"?`}}},
		},
		{
			name: "typo in spec",
			src:  strings.Replace(minimal, "spec:", "sepc:", 1),
			want: []want{{pos: at(5, 1), msg: `unknown field "sepc" in Application`, notes: []string{`did you mean "spec"?`}}},
		},
		{
			name: "typo in kind",
			src:  strings.Replace(minimal, "kind:", "knid:", 1),
			want: []want{{pos: at(2, 1), msg: `unknown field "knid" in Application`, notes: []string{`did you mean "kind"?`}}},
		},
		{
			name: "a typo in one component does not hide a missing name in another",
			src:  strings.Replace(minimal, "- name: web", "- nmae: web", 1) + "    - type: worker\n",
			want: []want{
				{pos: at(7, 7), msg: `unknown field "nmae" in component`, notes: []string{`did you mean "name"?`}},
				{pos: at(9, 7), msg: `missing "name": expected a string`},
			},
		},
		{
			name: "invalid component name: upper case",
			src:  strings.Replace(minimal, "name: web", "name: Web", 1),
			want: []want{{pos: at(7, 7), msg: `component name "Web" is not a valid Kubernetes name: expected at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`}},
		},
		{
			name: "invalid component name: underscore",
			src:  strings.Replace(minimal, "name: web", "name: my_web", 1),
			want: []want{{pos: at(7, 7), msg: `component name "my_web" is not a valid Kubernetes name`}},
		},
		{
			name: "invalid component name: leading dash",
			src:  strings.Replace(minimal, "name: web", `name: "-web"`, 1),
			want: []want{{pos: at(7, 7), msg: `component name "-web" is not a valid Kubernetes name`}},
		},
		{
			name: "invalid component name: trailing dash",
			src:  strings.Replace(minimal, "name: web", "name: web-", 1),
			want: []want{{pos: at(7, 7), msg: `component name "web-" is not a valid Kubernetes name`}},
		},
		{
			name: "invalid component name: dot",
			src:  strings.Replace(minimal, "name: web", "name: web.v1", 1),
			want: []want{{pos: at(7, 7), msg: `component name "web.v1" is not a valid Kubernetes name`}},
		},
		{
			name: "invalid component name: too long for a DNS label",
			src:  strings.Replace(minimal, "name: web", "name: "+strings.Repeat("a", 64), 1),
			want: []want{{pos: at(7, 7), msg: `is not a valid Kubernetes name`}},
		},
		{
			name: "empty component name",
			src:  strings.Replace(minimal, "name: web", `name: ""`, 1),
			want: []want{{pos: at(7, 7), msg: `"name" is empty: expected a non-empty string`}},
		},
		{
			name: "traits not a list",
			src:  minimal + "      traits:\n        type: scaler\n",
			want: []want{{pos: at(9, 7), msg: `"traits": expected a list, found a mapping`}},
		},
		{
			name: "traits a string",
			src:  minimal + "      traits: scaler\n",
			want: []want{{pos: at(9, 7), msg: `"traits": expected a list, found string "scaler"`}},
		},
		{
			name: "trait not a mapping",
			src:  minimal + "      traits:\n        - scaler\n",
			want: []want{{pos: at(10, 11), msg: `expected a trait (a mapping with type and properties), found string "scaler"`}},
		},
		{
			name: "trait without a type",
			src:  minimal + "      traits:\n        - properties: {}\n",
			want: []want{{pos: at(10, 11), msg: `missing "type": expected a string`}},
		},
		{
			name: "properties not a mapping",
			src:  minimal + "      properties: [1, 2]\n",
			want: []want{{pos: at(9, 7), msg: `"properties": expected a mapping, found a list`}},
		},
		{
			name: "properties a string",
			src:  minimal + "      properties: nginx\n",
			want: []want{{pos: at(9, 7), msg: `"properties": expected a mapping, found string "nginx"`}},
		},
		{
			name: "trait properties not a mapping",
			src:  minimal + "      traits:\n        - type: scaler\n          properties: 3\n",
			want: []want{{pos: at(11, 11), msg: `"properties": expected a mapping, found int 3`}},
		},
		{
			name: "non-string label",
			src:  strings.Replace(minimal, "  name: shop\n", "  name: shop\n  labels:\n    replicas: 3\n", 1),
			want: []want{{pos: at(6, 5), msg: "labels.replicas: expected a string, found int 3 (quote it)"}},
		},
		{
			name: "boolean annotation",
			src:  strings.Replace(minimal, "  name: shop\n", "  name: shop\n  annotations:\n    enabled: true\n", 1),
			want: []want{{pos: at(6, 5), msg: "annotations.enabled: expected a string, found bool true (quote it)"}},
		},
		{
			name: "labels not a mapping",
			src:  strings.Replace(minimal, "  name: shop\n", "  name: shop\n  labels: [a]\n", 1),
			want: []want{{pos: at(5, 3), msg: `"labels": expected a mapping of strings, found a list`}},
		},
		{
			name: "several errors are all reported",
			src:  strings.Replace(minimal, "name: web", "name: Web", 1) + "    - name: db\n      properties: 1\n",
			want: []want{
				{pos: at(7, 7), msg: `component name "Web" is not a valid Kubernetes name`},
				{pos: at(9, 7), msg: `missing "type": expected a string`},
				{pos: at(10, 7), msg: `"properties": expected a mapping, found int 1`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, errs := decode(t, tt.src)
			assert.Nil(t, app, "no Application when its shape is wrong")
			errs.Sort()
			require.Len(t, errs, len(tt.want), "got: %v", errs)
			for i, w := range tt.want {
				assert.Equal(t, w.pos, errs[i].Pos, "position of error %d: %v", i, errs[i])
				assert.Contains(t, errs[i].Message, w.msg)
				assert.Equal(t, diag.Error, errs[i].Severity)
				if w.notes != nil {
					assert.Equal(t, w.notes, errs[i].Notes)
				}
			}
		})
	}
}

func TestDecodeDuplicateKeepsFirst(t *testing.T) {
	_, errs := decode(t, minimal+"    - name: web\n      type: worker\n    - name: web\n      type: task\n")
	require.Len(t, errs, 2)
	for _, e := range errs {
		assert.Equal(t, []string{"first defined at app.yaml:7:7"}, e.Notes, "each duplicate points at the first")
	}
}

func TestDecodeDocumentError(t *testing.T) {
	docs, d := source.Parse("app.yaml", []byte("a: 1\n---\n"+minimal+"kind: Other\n"))
	require.Nil(t, d)
	require.Len(t, docs, 2)
	app, errs := appspec.Decode(cuecontext.New(), docs[1])
	assert.Nil(t, app)
	require.Len(t, errs, 1)
	assert.Equal(t, "app.yaml", errs[0].Pos.File)
	assert.Contains(t, errs[0].Message, "document 2")
}
