package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/oamc/oamc/compiler"
	"github.com/oamc/oamc/compiler/emit"
	"github.com/oamc/oamc/compiler/render"
)

type renderFlags struct {
	defs        []string
	out         string
	format      string
	kubeVersion string
	noStdlib    bool
}

func newRenderCmd(io IO) *cobra.Command {
	var f renderFlags
	cmd := &cobra.Command{
		Use:   "render [FILE|DIR|-]...",
		Short: "Render Applications into Kubernetes manifests",
		Long: `Render compiles every Application in the given files (YAML or JSON, one or
more documents each), folders (their *.yaml, *.yml and *.json files) or "-"
(standard input) through the standard library and the -d folders, and
writes the objects as one YAML stream (or a JSON List). Nothing is written
when any app fails.`,
		Example: "  oamc render app.yaml\n  oamc render -d ./defs apps/ -o manifests.yaml",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("render needs at least one input: a file, a folder, or - for stdin")}
			}
			format := emit.Format(f.format)
			if format != emit.YAML && format != emit.JSON {
				return usageError{fmt.Errorf("--format %q: expected yaml or json", f.format)}
			}
			if err := compiler.CheckKubeVersion(f.kubeVersion); err != nil {
				return usageError{fmt.Errorf("--kube-version: %w", err)}
			}
			c, err := compiler.New(compiler.Options{DefinitionDirs: f.defs, NoStdlib: f.noStdlib, KubeVersion: f.kubeVersion})
			if err != nil {
				return err
			}
			for _, w := range c.Warnings() {
				fmt.Fprintln(io.Stderr, w.Error())
			}
			results, err := c.Render(cmd.Context(), args, io.Stdin)
			if err != nil {
				return err
			}
			var objs []*render.Object
			for _, r := range results {
				objs = append(objs, r.Objects...)
			}
			var buf bytes.Buffer
			if err := emit.Write(&buf, format, objs); err != nil {
				return err
			}
			if f.out == "" || f.out == "-" {
				_, err := io.Stdout.Write(buf.Bytes())
				return err
			}
			return writeAtomic(f.out, buf.Bytes())
		},
	}
	cmd.Flags().StringArrayVarP(&f.defs, "definitions", "d", nil, "folder of definitions (*.cue, or KubeVela definition YAML); repeatable, later ones win")
	cmd.Flags().StringVarP(&f.out, "output", "o", "", "write to this file instead of stdout (replaced whole, only on success)")
	cmd.Flags().StringVar(&f.format, "format", "yaml", "output format: yaml or json")
	cmd.Flags().StringVar(&f.kubeVersion, "kube-version", compiler.DefaultKubeVersion, "Kubernetes version templates see as context.clusterVersion")
	cmd.Flags().BoolVar(&f.noStdlib, "no-stdlib", false, "do not load the embedded standard library of definitions")
	return cmd
}

// writeAtomic writes a file in one step: readers see the old file or the
// whole new one, never a part.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("cannot write %s: folder %s does not exist", path, dir)
	}
	tmp, err := os.CreateTemp(dir, ".oamc-*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
