// Package golden runs oamc's golden cases: each *.txtar file in this folder
// is a testscript that runs the real CLI (in process) on its inputs and
// compares stdout or stderr with the expected files it holds.
//
// OAMC_UPDATE=1 go test ./golden (or make golden) rewrites the expected
// files in place; review the diff before committing. A plain run fails on
// any difference and on a missing expected file.
package golden

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/stretchr/testify/require"

	"github.com/oamc/oamc/cmd/oamc/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"oamc": func() { os.Exit(cli.Main()) },
	})
}

func TestGolden(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 ".",
		UpdateScripts:       os.Getenv("OAMC_UPDATE") == "1",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
	})
}

// TestExamples renders each app in examples/ (the README's and `make
// demo`'s) and compares the output with the .want file beside it.
func TestExamples(t *testing.T) {
	apps, err := filepath.Glob("examples/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, apps)
	for _, app := range apps {
		t.Run(filepath.Base(app), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli.Run(context.Background(), []string{"render", app}, cli.IO{Stdout: &stdout, Stderr: &stderr})
			require.Equal(t, 0, code, stderr.String())
			require.Empty(t, stderr.String())
			want := strings.TrimSuffix(app, ".yaml") + ".want"
			if os.Getenv("OAMC_UPDATE") == "1" {
				require.NoError(t, os.WriteFile(want, stdout.Bytes(), 0o644))
			}
			expected, err := os.ReadFile(want)
			require.NoError(t, err, "missing golden file: run make golden and review it")
			require.Equal(t, string(expected), stdout.String(), "stale golden file: run make golden and review the diff")
		})
	}
}
