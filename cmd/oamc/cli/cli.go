// Package cli is oamc's command line: it parses flags and calls the
// compiler library, and prints errors in exactly one place.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/oamc/oamc/compiler/diag"
)

// Exit codes: 1 for bad input, 2 for bad usage.
const (
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks an error in the command line itself.
type usageError struct{ error }

// IO is where a command reads and writes; tests give their own.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// GC settings of the oamc process, unless GOGC or GOMEMLIMIT says otherwise.
// CUE allocates a lot of short-lived memory over a small live heap, so the
// default GOGC=100 spends about half the CPU on collection; a render run is
// short, so a larger heap goal, capped, buys about twice the throughput
// (BenchmarkRender: 297 → 558 components/s; see docs/performance.md).
const (
	gcPercent   = 800
	memoryLimit = 128 << 20
)

// Main runs oamc with the process's arguments and returns its exit code.
func Main() int {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(gcPercent)
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, os.Args[1:], IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
}

// Run runs oamc with args and returns its exit code.
func Run(ctx context.Context, args []string, io IO) int {
	root := newRootCmd(io)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(io.Stderr, "oamc: %v\nRun 'oamc --help' for usage.\n", ue.error)
		return exitUsage
	}
	printErr(io.Stderr, err)
	return exitFailure
}

func printErr(w io.Writer, err error) {
	var l diag.List
	if errors.As(err, &l) {
		l.Sort()
		for _, d := range l {
			fmt.Fprintln(w, d.Error())
		}
		if len(l) > 1 {
			fmt.Fprintf(w, "%d errors\n", len(l))
		}
		return
	}
	var d *diag.Diagnostic
	if errors.As(err, &d) {
		fmt.Fprintln(w, d.Error())
		return
	}
	fmt.Fprintf(w, "oamc: %v\n", err)
}

func newRootCmd(io IO) *cobra.Command {
	root := &cobra.Command{
		Use:           "oamc",
		Version:       version(),
		Short:         "Compile OAM Applications into Kubernetes manifests, offline",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(io.Stdin)
	root.SetOut(io.Stdout)
	root.SetErr(io.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// A command line naming no known command is a usage error too; cobra
	// would otherwise print nothing useful for "oamc rendr app.yaml".
	root.Args = func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			msg := fmt.Sprintf("unknown command %q", args[0])
			if s := diag.DidYouMean(args[0], commandNames(root)); s != "" {
				msg += ": " + s
			}
			return usageError{errors.New(msg)}
		}
		return nil
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	root.AddCommand(newRenderCmd(io))
	return root
}

func commandNames(root *cobra.Command) []string {
	var names []string
	for _, c := range root.Commands() {
		names = append(names, c.Name())
	}
	return names
}

// version is the module version oamc was built from ("(devel)" in a
// checkout), with the VCS revision when the build recorded one.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
