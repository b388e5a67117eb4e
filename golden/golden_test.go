// Package golden runs oamc's golden cases: each *.txtar file in this folder
// is a testscript that runs the real CLI (in process) on its inputs and
// compares stdout or stderr with the expected files it holds.
//
// OAMC_UPDATE=1 go test ./golden (or make golden) rewrites the expected
// files in place; review the diff before committing. A plain run fails on
// any difference and on a missing expected file.
package golden

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

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
