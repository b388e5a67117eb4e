package check_test

import (
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oamc/oamc/compiler/check"
	"github.com/oamc/oamc/compiler/definition"
	"github.com/oamc/oamc/compiler/diag"
	"github.com/oamc/oamc/compiler/source"
)

// webCUE is a small component definition. Line numbers matter: the tests
// check that messages point at the parameter's lines.
const webCUE = `web: {
	type: "component"
}
template: {
	output: {apiVersion: "v1", kind: "ConfigMap"}
	parameter: {
		image:    string & !=""
		replicas: *1 | int & >=0
		port?:    int & >=1 & <=65535
		policy?:  "Always" | "Never" | "IfNotPresent"
		ports?: [...{
			port:   int
			expose: *false | bool
			name?:  string
		}]
		labels?: [string]: string
		extra?: {...}
		nested?: {
			a: string
		}
	}
}
`

// setup compiles webCUE and returns its schema and a function that builds
// properties from YAML in the same CUE context, as app.yaml with the
// properties mapping at line 1.
func setup(t *testing.T) (*definition.Compiled, func(yaml string) cue.Value) {
	t.Helper()
	ctx := cuecontext.New()
	d, err := definition.ParseCUE(ctx, "defs/web.cue", []byte(webCUE))
	require.NoError(t, err)
	c, err := d.Compile(ctx)
	require.NoError(t, err)
	props := func(yaml string) cue.Value {
		t.Helper()
		if strings.TrimSpace(yaml) == "{}" {
			return ctx.CompileString("{}")
		}
		docs, derr := source.Parse("app.yaml", []byte(yaml))
		require.Nil(t, derr)
		require.Len(t, docs, 1)
		v := ctx.BuildExpr(docs[0].Expr, cue.Filename("app.yaml"))
		require.NoError(t, v.Err())
		return v
	}
	return c, props
}

func subject(c *definition.Compiled) check.Subject {
	return check.Subject{
		What:     `component "api" (web)`,
		Def:      c.Def,
		PropsPos: diag.Pos{File: "app.yaml", Line: 1, Col: 1},
		At:       diag.Pos{File: "app.yaml", Line: 1, Col: 1},
	}
}

func at(line, col int) diag.Pos { return diag.Pos{File: "app.yaml", Line: line, Col: col} }

func TestPropertiesAccepted(t *testing.T) {
	tests := []struct{ name, props string }{
		{"required only, defaults fill the rest", "image: nginx\n"},
		{"every property", "image: nginx\nreplicas: 3\nport: 8080\npolicy: Never\nports:\n  - port: 80\n    expose: true\n    name: http\nlabels:\n  a: b\nextra:\n  x: 1\nnested:\n  a: y\n"},
		{"list item with its default", "image: nginx\nports:\n  - port: 80\n"},
		{"open struct takes anything", "image: nginx\nextra:\n  anything: 1\n  deep:\n    er: [true]\n"},
		{"map pattern", "image: nginx\nlabels:\n  app.kubernetes.io/name: web\n  tier: front\n"},
		{"bound edges", "image: nginx\nreplicas: 0\nport: 65535\n"},
		{"empty list", "image: nginx\nports: []\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, props := setup(t)
			errs := check.Properties(c.Schema, props(tt.props), subject(c))
			assert.Empty(t, errs, "%v", errs)
		})
	}
}

func TestPropertiesErrors(t *testing.T) {
	tests := []struct {
		name  string
		props string
		pos   diag.Pos
		msg   string
		notes []string
	}{
		{
			name:  "unknown property with did-you-mean",
			props: "image: nginx\nimagee: nginx\n",
			pos:   at(2, 1),
			msg:   `component "api" (web): unknown property "imagee"`,
			notes: []string{`did you mean "image"?`, `component "web" declares its parameters at defs/web.cue:6:2`},
		},
		{
			name:  "unknown property, case typo",
			props: "image: nginx\nReplicas: 2\n",
			pos:   at(2, 1),
			msg:   `component "api" (web): unknown property "Replicas"`,
			notes: []string{`did you mean "replicas"?`, `component "web" declares its parameters at defs/web.cue:6:2`},
		},
		{
			name:  "unknown property without a close name",
			props: "image: nginx\nzzzzzzzz: 1\n",
			pos:   at(2, 1),
			msg:   `component "api" (web): unknown property "zzzzzzzz"`,
			notes: []string{"known properties here: extra, image, labels, nested, policy, port, ports, replicas", `component "web" declares its parameters at defs/web.cue:6:2`},
		},
		{
			name:  "unknown property in a list item",
			props: "image: nginx\nports:\n  - port: 80\n    expos: true\n",
			pos:   at(4, 5),
			msg:   `component "api" (web): unknown property "ports[0].expos"`,
			notes: []string{`did you mean "expose"?`, `component "web" declares its parameters at defs/web.cue:6:2`},
		},
		{
			name:  "unknown property in the second list item",
			props: "image: nginx\nports:\n  - port: 80\n  - port: 81\n    nmae: x\n",
			pos:   at(5, 5),
			msg:   `component "api" (web): unknown property "ports[1].nmae"`,
			notes: []string{`did you mean "name"?`, `component "web" declares its parameters at defs/web.cue:6:2`},
		},
		{
			name:  "unknown property in a closed struct",
			props: "image: nginx\nnested:\n  a: x\n  b: y\n",
			pos:   at(4, 3),
			msg:   `component "api" (web): unknown property "nested.b"`,
			notes: []string{`known properties here: a`, `component "web" declares its parameters at defs/web.cue:6:2`},
		},
		{
			name:  "wrong type quotes the definition's expression",
			props: "image: nginx\nreplicas: \"3\"\n",
			pos:   at(2, 1),
			msg:   `component "api" (web): property "replicas": expected *1 | int & >=0, found string "3"`,
			notes: []string{`component "web" expects it at defs/web.cue:8:3`},
		},
		{
			name:  "constraint",
			props: "image: nginx\nreplicas: -1\n",
			pos:   at(2, 1),
			msg:   `component "api" (web): property "replicas": expected *1 | int & >=0, found int -1`,
			notes: []string{`component "web" expects it at defs/web.cue:8:3`},
		},
		{
			name:  "upper bound",
			props: "image: nginx\nport: 70000\n",
			pos:   at(2, 1),
			msg:   `component "api" (web): property "port": expected int & >=1 & <=65535, found int 70000`,
			notes: []string{`component "web" expects it at defs/web.cue:9:3`},
		},
		{
			name:  "enum",
			props: "image: nginx\npolicy: Sometimes\n",
			pos:   at(2, 1),
			msg:   `component "api" (web): property "policy": expected "Always" | "Never" | "IfNotPresent", found string "Sometimes"`,
			notes: []string{`component "web" expects it at defs/web.cue:10:3`},
		},
		{
			name:  "empty string against !=\"\"",
			props: "image: \"\"\n",
			pos:   at(1, 1),
			msg:   `component "api" (web): property "image": expected string & !="", found string ""`,
			notes: []string{`component "web" expects it at defs/web.cue:7:3`},
		},
		{
			name:  "object where a scalar is expected",
			props: "image:\n  name: nginx\n",
			pos:   at(1, 1),
			msg:   `component "api" (web): property "image": expected string & !="", found a mapping`,
			notes: []string{`component "web" expects it at defs/web.cue:7:3`},
		},
		{
			name:  "wrong type in a list item",
			props: "image: nginx\nports:\n  - port: \"80\"\n",
			pos:   at(3, 5),
			msg:   `component "api" (web): property "ports[0].port": expected int, found string "80"`,
			notes: []string{`component "web" expects it at defs/web.cue:12:4`},
		},
		{
			name:  "a list where an object list is expected has the wrong item type",
			props: "image: nginx\nports: [80]\n",
			pos:   at(2, 9),
			msg:   `component "api" (web): property "ports[0]": expected a mapping, found int 80`,
		},
		{
			name:  "wrong type for a map value",
			props: "image: nginx\nlabels:\n  a: 1\n",
			pos:   at(3, 3),
			msg:   `component "api" (web): property "labels.a": expected string, found int 1`,
		},
		{
			name:  "missing required property is at the properties",
			props: "{}",
			pos:   at(1, 1),
			msg:   `component "api" (web): missing required property "image" (expected string & !="")`,
			notes: []string{`component "web" expects it at defs/web.cue:7:3`},
		},
		{
			name:  "missing required property in a list item is at the item",
			props: "image: nginx\nports:\n  - expose: true\n",
			pos:   at(3, 5),
			msg:   `component "api" (web): missing required property "ports[0].port" (expected int)`,
			notes: []string{`component "web" expects it at defs/web.cue:12:4`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, props := setup(t)
			errs := check.Properties(c.Schema, props(tt.props), subject(c))
			require.Len(t, errs, 1, "%v", errs)
			assert.Equal(t, tt.pos, errs[0].Pos, "%v", errs[0])
			assert.Equal(t, tt.msg, errs[0].Message)
			if tt.notes != nil {
				assert.Equal(t, tt.notes, errs[0].Notes)
			}
		})
	}
}

func TestPropertiesMissingUsesPropsPos(t *testing.T) {
	c, props := setup(t)
	s := subject(c)
	s.PropsPos = diag.Pos{File: "app.yaml", Line: 12, Col: 7}
	errs := check.Properties(c.Schema, props("replicas: 2\n"), s)
	require.Len(t, errs, 1, "%v", errs)
	assert.Equal(t, s.PropsPos, errs[0].Pos)
	assert.Equal(t, `app.yaml:12:7: component "api" (web): missing required property "image" (expected string & !="")`+"\n\t"+`component "web" expects it at defs/web.cue:7:3`, errs[0].Error())
}

func TestPropertiesSeveralErrorsSorted(t *testing.T) {
	c, props := setup(t)
	errs := check.Properties(c.Schema, props("image: nginx\nport: 0\nreplicas: -2\nimagee: x\n"), subject(c))
	require.Len(t, errs, 3, "%v", errs)
	var got []string
	for _, e := range errs {
		got = append(got, e.Pos.String())
	}
	assert.Equal(t, []string{"app.yaml:2:1", "app.yaml:3:1", "app.yaml:4:1"}, got, "one error per property, sorted by position")
	assert.Contains(t, errs[0].Message, `property "port"`)
	assert.Contains(t, errs[1].Message, `property "replicas"`)
	assert.Contains(t, errs[2].Message, `unknown property "imagee"`)
}

func TestPropertiesTypeErrorsBeforeMissing(t *testing.T) {
	c, props := setup(t)
	// image is missing and replicas is wrong: the wrong value is reported;
	// missing properties are checked once the given ones are right.
	errs := check.Properties(c.Schema, props("replicas: x\n"), subject(c))
	require.Len(t, errs, 1, "%v", errs)
	assert.Contains(t, errs[0].Message, `property "replicas": expected *1 | int & >=0, found string "x"`)
}

func TestPropertiesTrait(t *testing.T) {
	ctx := cuecontext.New()
	src := "scaler: {\n\ttype: \"trait\"\n}\ntemplate: {\n\tpatch: spec: replicas: parameter.replicas\n\tparameter: replicas: *1 | int\n}\n"
	d, err := definition.ParseCUE(ctx, "defs/scaler.cue", []byte(src))
	require.NoError(t, err)
	c, err := d.Compile(ctx)
	require.NoError(t, err)
	s := check.Subject{What: `trait "scaler" of component "web"`, Def: d, PropsPos: at(5, 11), At: at(4, 11)}

	assert.Empty(t, check.Properties(c.Schema, ctx.CompileString("{}"), s), "a default needs no property")
	errs := check.Properties(c.Schema, ctx.CompileString(`{replica: 2}`, cue.Filename("app.yaml")), s)
	require.Len(t, errs, 1)
	assert.Equal(t, `trait "scaler" of component "web": unknown property "replica"`, errs[0].Message)
	assert.Equal(t, []string{`did you mean "replicas"?`, `trait "scaler" declares its parameters at defs/scaler.cue:6:2`}, errs[0].Notes)
}

func TestPropertiesWithoutParameter(t *testing.T) {
	ctx := cuecontext.New()
	src := "plain: {\n\ttype: \"component\"\n}\ntemplate: {\n\toutput: {apiVersion: \"v1\", kind: \"ConfigMap\"}\n}\n"
	d, err := definition.ParseCUE(ctx, "defs/plain.cue", []byte(src))
	require.NoError(t, err)
	c, err := d.Compile(ctx)
	require.NoError(t, err)
	s := check.Subject{What: `component "p" (plain)`, Def: d, PropsPos: at(1, 1), At: at(1, 1)}
	assert.Empty(t, check.Properties(c.Schema, ctx.CompileString("{}"), s))
	errs := check.Properties(c.Schema, ctx.CompileString(`{image: "x"}`, cue.Filename("app.yaml")), s)
	require.Len(t, errs, 1, "a definition without parameter takes no properties")
	assert.Contains(t, errs[0].Message, `unknown property "image"`)
}

// TestPropertiesLeavesTheAppAlone checks properties built twice from one
// parsed document: finding errors must not change the app's syntax, which
// may be compiled again.
func TestPropertiesLeavesTheAppAlone(t *testing.T) {
	c, _ := setup(t)
	docs, derr := source.Parse("app.yaml", []byte("image: nginx\nport: 0\nimagee: x\n"))
	require.Nil(t, derr)
	build := func() cue.Value { return c.Root.Context().BuildExpr(docs[0].Expr, cue.Filename("app.yaml")) }
	first := check.Properties(c.Schema, build(), subject(c))
	require.Len(t, first, 2, "%v", first)
	again := build()
	assert.Equal(t, first.Error(), check.Properties(c.Schema, again, subject(c)).Error())
	got, err := again.LookupPath(cue.ParsePath("image")).String()
	require.NoError(t, err)
	assert.Equal(t, "nginx", got)
}
