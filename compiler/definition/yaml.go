package definition

import (
	"encoding/json"
	"fmt"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"sigs.k8s.io/yaml"

	"github.com/oamc/oamc/compiler/diag"
)

// object is a KubeVela definition as a Kubernetes object.
type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		attributes
		Schematic struct {
			CUE struct {
				Template string `json:"template"`
			} `json:"cue"`
		} `json:"schematic"`
	} `json:"spec"`
}

var objectKinds = map[string]Type{
	"ComponentDefinition":    Component,
	"TraitDefinition":        Trait,
	"PolicyDefinition":       Policy,
	"WorkflowStepDefinition": WorkflowStep,
}

// ParseYAML reads a KubeVela ComponentDefinition, TraitDefinition or
// PolicyDefinition object whose CUE template is at spec.schematic.cue.template.
// The template is rebuilt as a CUE definition file whose lines and columns
// are those of the YAML file, so errors point into it.
func ParseYAML(ctx *cue.Context, name string, data []byte) (*Definition, error) {
	var o object
	if err := yaml.Unmarshal(data, &o); err != nil {
		return nil, diag.List{diag.Errorf(diag.Pos{File: name}, "invalid definition YAML: %v", err)}
	}
	typ, ok := objectKinds[o.Kind]
	if !ok {
		return nil, diag.List{diag.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "expected a ComponentDefinition, TraitDefinition or PolicyDefinition, found kind %q", o.Kind)}
	}
	pos := diag.Pos{File: name, Line: 1, Col: 1}
	tmpl := o.Spec.Schematic.CUE.Template
	if strings.TrimSpace(tmpl) == "" {
		// Terraform, Helm or kube schematics need a cluster: such a
		// definition loads, and using it is the error.
		if o.Metadata.Name == "" {
			return nil, diag.List{diag.Errorf(pos, "%s has no metadata.name", o.Kind)}
		}
		h := header{Type: string(typ), Labels: o.Metadata.Labels, Annotations: o.Metadata.Annotations, Attributes: o.Spec.attributes}
		d, err := newDefinition(name, pos, o.Metadata.Name, h)
		if err != nil {
			return nil, err
		}
		d.Unsupported = fmt.Sprintf("%s %q has no CUE template (spec.schematic.cue.template); other schematics (terraform, helm, kube) need a cluster, and oamc renders offline", o.Kind, o.Metadata.Name)
		d.unsupportedPos = lineOf(data, "schematic:", pos)
		return d, nil
	}
	line, indent := locate(string(data), tmpl)
	body, imports := splitImports(name, tmpl)
	h := header{Type: string(typ), Labels: o.Metadata.Labels, Annotations: o.Metadata.Annotations}
	h.Description = o.Metadata.Annotations["definition.oam.dev/description"]
	h.Attributes = o.Spec.attributes
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encoding header of %s: %w", name, err)
	}
	// Lines before the template hold the imports and the opening of
	// `template: {`; the template's own lines keep their YAML line numbers.
	var b strings.Builder
	prefix := imports
	opener := "template: {"
	if line > len(prefix)+1 {
		for len(prefix) < line-2 {
			prefix = append(prefix, "")
		}
		prefix = append(prefix, opener)
	} else {
		prefix = append(prefix, opener) // too little room: lines shift
	}
	for _, l := range prefix {
		b.WriteString(l)
		b.WriteString("\n")
	}
	pad := strings.Repeat(" ", indent)
	for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		if l != "" {
			b.WriteString(pad)
		}
		b.WriteString(l)
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "%q: %s\n", o.Metadata.Name, hdr)
	d, err := ParseCUE(ctx, name, []byte(b.String()))
	if err != nil {
		return nil, err
	}
	d.Pos = pos
	return d, nil
}

// locate finds the line (from 1) on which the template text starts in the
// YAML file, and the indentation its block scalar strips.
func locate(data, tmpl string) (line, indent int) {
	first := ""
	for _, l := range strings.Split(tmpl, "\n") {
		if strings.TrimSpace(l) != "" {
			first = l
			break
		}
	}
	lines := strings.Split(data, "\n")
	start := 0
	for i, l := range lines {
		if strings.Contains(l, "template:") {
			start = i + 1
			break
		}
	}
	for i := start; i < len(lines); i++ {
		l := lines[i]
		if strings.HasSuffix(l, first) && strings.TrimSpace(l[:len(l)-len(first)]) == "" {
			return i + 1 - leadingBlank(tmpl), len(l) - len(first)
		}
	}
	return 0, 0
}

func leadingBlank(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			return n
		}
		n++
	}
	return n
}

// splitImports blanks the import declarations of a template (they must
// come first in a CUE file) and returns them as single lines.
func splitImports(name, tmpl string) (string, []string) {
	f, err := parser.ParseFile(name, tmpl, parser.ImportsOnly)
	if err != nil {
		return tmpl, nil
	}
	var imports []string
	b := []byte(tmpl)
	for d := range f.ImportDecls() {
		start, end := d.Pos().Offset(), d.End().Offset()
		var specs []string
		for _, s := range d.Specs {
			specs = append(specs, specText(s))
		}
		imports = append(imports, "import ("+strings.Join(specs, ", ")+")")
		for i := start; i < end && i < len(b); i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	return string(b), imports
}

func specText(s *ast.ImportSpec) string {
	if s.Name != nil {
		return s.Name.Name + " " + s.Path.Value
	}
	return s.Path.Value
}

// lineOf points at the first line holding key, or at fallback.
func lineOf(data []byte, key string, fallback diag.Pos) diag.Pos {
	for i, l := range strings.Split(string(data), "\n") {
		if c := strings.Index(l, key); c >= 0 {
			return diag.Pos{File: fallback.File, Line: i + 1, Col: c + 1}
		}
	}
	return fallback
}
