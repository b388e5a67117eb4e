package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oamc/oamc/cmd/oamc/cli"
)

const appYAML = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: web
      type: cm
      properties:
        value: hello
`

const cmCUE = `cm: {
	type: "component"
}
template: {
	output: {
		apiVersion: "v1"
		kind:       "ConfigMap"
		data: value: parameter.value
	}
	parameter: value: string
}
`

const wantYAML = `# Source: shop/web
apiVersion: v1
data:
  value: hello
kind: ConfigMap
metadata:
  labels:
    app.oam.dev/appRevision: ""
    app.oam.dev/component: web
    app.oam.dev/name: shop
    app.oam.dev/namespace: default
    app.oam.dev/resourceType: WORKLOAD
    workload.oam.dev/type: cm
  name: web
  namespace: default
`

type result struct {
	code           int
	stdout, stderr string
}

// run runs oamc in process with args and stdin.
func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, cli.IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	return result{code, out.String(), errOut.String()}
}

// workspace writes a defs folder with the cm definition and the given
// files, and returns the folder.
func workspace(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"defs/cm.cue": cmCUE}
	for k, v := range files {
		all[k] = v
	}
	for name, content := range all {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

func TestRenderOK(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML})
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), filepath.Join(dir, "app.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, wantYAML, r.stdout)
	assert.Empty(t, r.stderr)
}

func TestRenderIsDeterministic(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML + "    - name: b\n      type: cm\n      properties:\n        value: x\n    - name: a\n      type: cm\n      properties:\n        value: y\n"})
	args := []string{"render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), filepath.Join(dir, "app.yaml")}
	first := run(t, "", args...)
	require.Equal(t, 0, first.code, first.stderr)
	for range 5 {
		assert.Equal(t, first, run(t, "", args...))
	}
	assert.Less(t, strings.Index(first.stdout, "# Source: shop/b"), strings.Index(first.stdout, "# Source: shop/a"), "components in app order")
}

func TestRenderStdlib(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": strings.Replace(strings.Replace(appYAML, "type: cm", "type: worker", 1), "value: hello", "image: nginx:1.27", 1)})
	r := run(t, "", "render", filepath.Join(dir, "app.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "kind: Deployment")
	assert.Contains(t, r.stdout, "image: nginx:1.27")
	assert.Empty(t, r.stderr)
}

func TestRenderFailure(t *testing.T) {
	tests := []struct {
		name   string
		app    string
		stderr string
	}{
		{
			name:   "unknown property",
			app:    strings.Replace(appYAML, "value: hello", "valeu: hello", 1),
			stderr: "app.yaml:10:9: component \"web\" (cm): unknown property \"valeu\"\n\tdid you mean \"value\"?\n\tcomponent \"cm\" declares its parameters at DEFS/cm.cue:10:2\n",
		},
		{
			name:   "unknown component type",
			app:    strings.Replace(appYAML, "type: cm", "type: cn", 1),
			stderr: "app.yaml:8:7: component \"web\": unknown component type \"cn\"\n\tdid you mean \"cm\"?\n",
		},
		{
			name:   "empty file",
			app:    "",
			stderr: "app.yaml: file is empty: expected an Application (apiVersion: core.oam.dev/v1beta1, kind: Application)\n",
		},
		{
			name:   "not an Application",
			app:    "apiVersion: apps/v1\nkind: Deployment\n",
			stderr: "app.yaml:2:1: expected kind \"Application\", found \"Deployment\": oamc renders Applications (core.oam.dev/v1beta1)\n",
		},
		{
			name: "every error, sorted, with a count",
			app:  strings.Replace(appYAML, "value: hello", "valeu: hello", 1) + "    - name: db\n      type: nope\n",
			stderr: "app.yaml:10:9: component \"web\" (cm): unknown property \"valeu\"\n\tdid you mean \"value\"?\n\tcomponent \"cm\" declares its parameters at DEFS/cm.cue:10:2\n" +
				"app.yaml:12:7: component \"db\": unknown component type \"nope\"\n\tknown component types: cm\n" +
				"2 errors\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := workspace(t, map[string]string{"app.yaml": tt.app})
			defs := filepath.Join(dir, "defs")
			app := filepath.Join(dir, "app.yaml")
			r := run(t, "", "render", "--no-stdlib", "-d", defs, app)
			assert.Equal(t, 1, r.code)
			assert.Empty(t, r.stdout, "nothing on stdout on failure")
			want := strings.ReplaceAll(strings.ReplaceAll(tt.stderr, "DEFS/", defs+"/"), "app.yaml", app)
			assert.Equal(t, want, r.stderr)
		})
	}
}

func TestRenderAllOrNothing(t *testing.T) {
	good := appYAML
	bad := strings.Replace(appYAML, "value: hello", "value: 42", 1)
	dir := workspace(t, map[string]string{"apps/a.yaml": good, "apps/b.yaml": bad})
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), filepath.Join(dir, "apps"))
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout, "a good app is not written when another fails")
	assert.Contains(t, r.stderr, filepath.Join(dir, "apps", "b.yaml")+":10:9: ")
	assert.Contains(t, r.stderr, `property "value": expected string, found int 42`)
}

func TestRenderFolderAndSeveralDocuments(t *testing.T) {
	// Each app in its own namespace, so that their objects differ.
	app := func(name string) string {
		return strings.Replace(appYAML, "name: shop", "name: "+name+"\n  namespace: "+name, 1)
	}
	dir := workspace(t, map[string]string{
		"apps/b.yaml":  app("shop"),
		"apps/a.yml":   app("blog") + "---\n" + app("wiki"),
		"apps/c.txt":   "not an app",
		"apps/d/e.yml": app("nested"),
	})
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), filepath.Join(dir, "apps"))
	require.Equal(t, 0, r.code, r.stderr)
	var sources []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if s, ok := strings.CutPrefix(l, "# Source: "); ok {
			sources = append(sources, s)
		}
	}
	assert.Equal(t, []string{"blog/web", "wiki/web", "shop/web"}, sources, "files in name order, every document of each")
}

func TestRenderStdin(t *testing.T) {
	dir := workspace(t, nil)
	r := run(t, appYAML, "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "-")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, wantYAML, r.stdout)

	r = run(t, strings.Replace(appYAML, "value: hello", "valeu: hello", 1), "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "-")
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.True(t, strings.HasPrefix(r.stderr, "<stdin>:10:9: "), r.stderr)
}

func TestRenderJSON(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML})
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "--format", "json", filepath.Join(dir, "app.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	var list struct {
		APIVersion, Kind string
		Items            []map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list), r.stdout)
	assert.Equal(t, "v1", list.APIVersion)
	assert.Equal(t, "List", list.Kind)
	require.Len(t, list.Items, 1)
	assert.Equal(t, "ConfigMap", list.Items[0]["kind"])
	assert.Equal(t, map[string]any{"value": "hello"}, list.Items[0]["data"])
	assert.NotContains(t, r.stdout, "# Source")
}

func TestRenderOutputFile(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML, "out/old.yaml": "stale content\n"})
	out := filepath.Join(dir, "out", "old.yaml")
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "-o", out, filepath.Join(dir, "app.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout, "nothing on stdout with -o")
	assert.Empty(t, r.stderr)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, wantYAML, string(got), "the old content is replaced whole")
	st, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	assertOnly(t, filepath.Join(dir, "out"), "old.yaml")
}

func TestRenderOutputFileNew(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML})
	out := filepath.Join(dir, "new.json")
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "--output", out, "--format", "json", filepath.Join(dir, "app.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, json.Valid(got))
}

func TestRenderOutputDash(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML})
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "-o", "-", filepath.Join(dir, "app.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, wantYAML, r.stdout, "-o - is stdout")
	_, err := os.Stat("-")
	assert.True(t, os.IsNotExist(err), "no file named -")
}

func TestRenderOutputFileKeptOnFailure(t *testing.T) {
	bad := strings.Replace(appYAML, "value: hello", "valeu: hello", 1)
	dir := workspace(t, map[string]string{"app.yaml": bad, "out/old.yaml": "old content\n"})
	out := filepath.Join(dir, "out", "old.yaml")
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "-o", out, filepath.Join(dir, "app.yaml"))
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, `unknown property "valeu"`)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "old content\n", string(got), "the old file is left as it was")
	assertOnly(t, filepath.Join(dir, "out"), "old.yaml")

	missing := filepath.Join(dir, "out", "missing.yaml")
	r = run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "-o", missing, filepath.Join(dir, "app.yaml"))
	assert.Equal(t, 1, r.code)
	_, err = os.Stat(missing)
	assert.True(t, os.IsNotExist(err), "no file is created on failure")
	assertOnly(t, filepath.Join(dir, "out"), "old.yaml")
}

func TestRenderOutputFileUnwritable(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML})
	out := filepath.Join(dir, "no", "such", "dir", "out.yaml")
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "-o", out, filepath.Join(dir, "app.yaml"))
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "cannot write "+out)
}

// assertOnly checks that dir holds exactly the named files: no temporary
// file is left behind.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	assert.Equal(t, names, got)
}

func TestUsageErrors(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML})
	app := filepath.Join(dir, "app.yaml")
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"no input", []string{"render"}, "render needs at least one input: a file, a folder, or - for stdin"},
		{"unknown flag", []string{"render", "--bogus", app}, "unknown flag: --bogus"},
		{"unknown shorthand flag", []string{"render", "-x", app}, "unknown shorthand flag: 'x' in -x"},
		{"unknown root flag", []string{"--bogus", "render", app}, "--bogus"},
		{"flag without value", []string{"render", app, "--format"}, "flag needs an argument: --format"},
		{"bad format", []string{"render", "--format", "xml", app}, `--format "xml": expected yaml or json`},
		{"bad kube version", []string{"render", "--kube-version", "latest", app}, `--kube-version: invalid Kubernetes version "latest": expected MAJOR.MINOR, such as 1.34`},
		{"unknown command", []string{"rendr", app}, `unknown command "rendr"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, "", tt.args...)
			assert.Equal(t, 2, r.code, r.stderr)
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, tt.msg)
			assert.True(t, strings.HasPrefix(r.stderr, "oamc: "), r.stderr)
			assert.True(t, strings.HasSuffix(r.stderr, "Run 'oamc --help' for usage.\n"), r.stderr)
		})
	}
}

func TestMissingInputs(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML})
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), a, filepath.Join(dir, "app.yaml"), b)
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.Equal(t, a+": cannot read input: no such file or directory\n"+b+": cannot read input: no such file or directory\n2 errors\n", r.stderr)
}

func TestMissingDefinitionsFolder(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML})
	missing := filepath.Join(dir, "nodefs")
	r := run(t, "", "render", "-d", missing, filepath.Join(dir, "app.yaml"))
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.Equal(t, missing+": definitions folder not found\n", r.stderr)
}

func TestWarningsDoNotFail(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML, "defs2/cm.cue": cmCUE})
	r := run(t, "", "render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), "-d", filepath.Join(dir, "defs2"), filepath.Join(dir, "app.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, wantYAML, r.stdout)
	assert.Equal(t, "warning: "+filepath.Join(dir, "defs2", "cm.cue")+`:1:1: definition component "cm" replaces the one at `+filepath.Join(dir, "defs", "cm.cue")+":1:1\n", r.stderr)
}

func TestCancelled(t *testing.T) {
	dir := workspace(t, map[string]string{"app.yaml": appYAML})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	code := cli.Run(ctx, []string{"render", "--no-stdlib", "-d", filepath.Join(dir, "defs"), filepath.Join(dir, "app.yaml")}, cli.IO{Stdout: &out, Stderr: &errOut})
	assert.Equal(t, 1, code)
	assert.Empty(t, out.String())
	assert.Contains(t, errOut.String(), "context canceled")
}

func TestHelp(t *testing.T) {
	r := run(t, "", "render", "--help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "--format")
	assert.Contains(t, r.stdout, "--output")
}

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"--version"}, cli.IO{Stdout: &stdout, Stderr: &stderr})
	require.Equal(t, 0, code, stderr.String())
	assert.True(t, strings.HasPrefix(stdout.String(), "oamc version "), stdout.String())
}
