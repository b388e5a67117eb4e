// Package emit writes rendered objects as a YAML stream or a JSON List, in
// a stable order with sorted keys, so the same inputs give the same bytes.
package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"

	"github.com/oamc/oamc/compiler/render"
)

// Format is an output format.
type Format string

const (
	YAML Format = "yaml"
	JSON Format = "json"
)

// Formats lists the formats Write accepts.
var Formats = []Format{YAML, JSON}

// Write encodes objs in format f. YAML is a multi-document stream with a
// "# Source: app/component[/trait]" line before each object; JSON is one
// v1 List. Nothing is written to w unless encoding succeeds.
func Write(w io.Writer, f Format, objs []*render.Object) error {
	var b bytes.Buffer
	switch f {
	case YAML:
		for i, o := range objs {
			if i > 0 {
				b.WriteString("---\n")
			}
			y, err := yaml.Marshal(o.Data)
			if err != nil {
				return fmt.Errorf("encoding %s as YAML: %w", o.Source(), err)
			}
			fmt.Fprintf(&b, "# Source: %s\n", o.Source())
			b.Write(y)
		}
	case JSON:
		items := make([]any, len(objs))
		for i, o := range objs {
			items[i] = o.Data
		}
		list := map[string]any{"apiVersion": "v1", "kind": "List", "items": items}
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(list); err != nil {
			return fmt.Errorf("encoding JSON: %w", err)
		}
	default:
		return fmt.Errorf("unknown output format %q: expected yaml or json", f)
	}
	_, err := w.Write(b.Bytes())
	return err
}
