package compiler_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"cuelang.org/go/cue/cuecontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oamc/oamc/compiler"
	"github.com/oamc/oamc/compiler/appspec"
	"github.com/oamc/oamc/compiler/diag"
	"github.com/oamc/oamc/compiler/emit"
	"github.com/oamc/oamc/compiler/render"
	"github.com/oamc/oamc/compiler/source"
)

const app = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
  namespace: prod
  labels:
    team: checkout
spec:
  components:
    - name: web
      type: webservice
      properties:
        image: nginx:1.27
        ports:
          - port: 80
            expose: true
      traits:
        - type: scaler
          properties:
            replicas: 3
        - type: labels
          properties:
            tier: frontend
        - type: env
          properties:
            env:
              LOG_LEVEL: info
`

// compile runs the library on one in-memory app file.
func compile(t testing.TB, c *compiler.Compiler, name, src string) ([]*compiler.Result, error) {
	t.Helper()
	docs, d := source.Parse(name, []byte(src))
	if d != nil {
		return nil, d
	}
	return c.CompileDocuments(context.Background(), docs)
}

func TestCompileLibrary(t *testing.T) {
	c, err := compiler.New(compiler.Options{})
	require.NoError(t, err)
	results, err := compile(t, c, "app.yaml", app)
	require.NoError(t, err)
	require.Len(t, results, 1)
	objs := results[0].Objects
	require.Len(t, objs, 2)

	w := objs[0]
	assert.Equal(t, render.Workload, w.Role)
	assert.Equal(t, "shop/web", w.Source())
	assert.Equal(t, "Deployment", w.Data["kind"])
	md := w.Data["metadata"].(map[string]any)
	assert.Equal(t, "prod", md["namespace"])
	labels := md["labels"].(map[string]any)
	assert.Equal(t, "checkout", labels["team"], "app labels reach every object")
	assert.Equal(t, "frontend", labels["tier"])
	assert.Equal(t, "webservice", labels["workload.oam.dev/type"])
	assert.Equal(t, int64(3), w.Data["spec"].(map[string]any)["replicas"])

	svc := objs[1]
	assert.Equal(t, render.Auxiliary, svc.Role)
	assert.Equal(t, "Service", svc.Data["kind"])
	assert.Equal(t, "AuxiliaryWorkload", svc.Data["metadata"].(map[string]any)["labels"].(map[string]any)["trait.oam.dev/type"])
}

func TestCompileErrorsArePositioned(t *testing.T) {
	c, err := compiler.New(compiler.Options{})
	require.NoError(t, err)
	bad := bytes.Replace([]byte(app), []byte("image: nginx"), []byte("imagee: nginx"), 1)
	_, err = compile(t, c, "app.yaml", string(bad))
	var l diag.List
	require.ErrorAs(t, err, &l)
	require.Len(t, l, 1)
	assert.Equal(t, diag.Pos{File: "app.yaml", Line: 13, Col: 9}, l[0].Pos)
	assert.Contains(t, l[0].Error(), `unknown property "imagee"`)
	assert.Contains(t, l[0].Error(), `did you mean "image"?`)
}

func TestCompileCancelled(t *testing.T) {
	c, err := compiler.New(compiler.Options{})
	require.NoError(t, err)
	docs, d := source.Parse("app.yaml", []byte(app))
	require.Nil(t, d)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.CompileDocuments(ctx, docs)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestKubeVersion(t *testing.T) {
	_, err := compiler.New(compiler.Options{KubeVersion: "one.two"})
	assert.ErrorContains(t, err, `invalid Kubernetes version "one.two"`)
	_, err = compiler.New(compiler.Options{KubeVersion: "v1.29.3"})
	assert.NoError(t, err)
}

// TestConcurrentCompilesAreDeterministic compiles the same app from many
// goroutines on one Compiler: every output must be byte-identical.
func TestConcurrentCompilesAreDeterministic(t *testing.T) {
	c, err := compiler.New(compiler.Options{})
	require.NoError(t, err)
	const n = 16
	outs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results, err := compile(t, c, "app.yaml", app)
			if err != nil {
				outs[i] = err.Error()
				return
			}
			var b bytes.Buffer
			if err := emit.Write(&b, emit.YAML, results[0].Objects); err != nil {
				outs[i] = err.Error()
				return
			}
			outs[i] = b.String()
		}()
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		require.Equal(t, outs[0], outs[i], "run %d differs", i)
	}
	assert.Contains(t, outs[0], "kind: Deployment")
}

// BenchmarkRender compiles one webservice with three traits, the
// definitions already loaded: the per-component cost of a render.
func BenchmarkRender(b *testing.B) {
	c, err := compiler.New(compiler.Options{})
	require.NoError(b, err)
	docs, d := source.Parse("app.yaml", []byte(app))
	require.Nil(b, d)
	ctx := context.Background()
	b.ReportAllocs()
	start := cpuTime(b)
	for b.Loop() {
		if _, err := c.CompileDocuments(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "components/s")
	// CPU time counts the garbage collector on the other cores too.
	b.ReportMetric(float64(b.N)/(cpuTime(b)-start).Seconds(), "components/cpu-s")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStartup is a fresh Compiler (standard library parsed) plus its
// first render: what one oamc process pays before its first object.
func BenchmarkStartup(b *testing.B) {
	docs, d := source.Parse("app.yaml", []byte(app))
	require.Nil(b, d)
	ctx := context.Background()
	for b.Loop() {
		c, err := compiler.New(compiler.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.CompileDocuments(ctx, docs); err != nil {
			b.Fatal(fmt.Sprint(err))
		}
	}
}

// TestCompileDecodedApp uses the library stage by stage: decode with the
// Compiler's context, then Compile; an app from another context is refused.
func TestCompileDecodedApp(t *testing.T) {
	c, err := compiler.New(compiler.Options{})
	require.NoError(t, err)
	docs, d := source.Parse("app.yaml", []byte(app))
	require.Nil(t, d)
	decoded, errs := appspec.Decode(c.Context(), docs[0])
	require.Empty(t, errs)
	res, err := c.Compile(context.Background(), decoded)
	require.NoError(t, err)
	assert.Len(t, res.Objects, 2)

	other, errs := appspec.Decode(cuecontext.New(), docs[0])
	require.Empty(t, errs)
	_, err = c.Compile(context.Background(), other)
	assert.ErrorContains(t, err, "another CUE context")
}

func TestStandardLibrary(t *testing.T) {
	c, err := compiler.New(compiler.Options{})
	require.NoError(t, err)
	var names []string
	for _, d := range c.Registry().All() {
		names = append(names, string(d.Type)+"/"+d.Name)
	}
	assert.Equal(t, []string{
		"component/k8s-objects", "component/task", "component/webservice", "component/worker",
		"trait/annotations", "trait/env", "trait/expose", "trait/labels", "trait/scaler", "trait/sidecar",
	}, names)
	assert.Empty(t, c.Warnings(), "the standard library replaces nothing")

	none, err := compiler.New(compiler.Options{NoStdlib: true})
	require.NoError(t, err)
	assert.Empty(t, none.Registry().All())
}
