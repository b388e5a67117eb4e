package definition

import (
	"fmt"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"

	"github.com/oamc/oamc/compiler/diag"
)

// header is the part of a definition that says what it is, as KubeVela
// writes it in CUE.
type header struct {
	Type        string            `json:"type"`
	Description string            `json:"description"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Attributes  attributes        `json:"attributes"`
}

// attributes are the header's attributes, which the YAML form holds in spec.
type attributes struct {
	Workload struct {
		Definition struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		} `json:"definition"`
		Type string `json:"type"`
	} `json:"workload"`
	AppliesToWorkloads []string `json:"appliesToWorkloads"`
	ConflictsWith      []string `json:"conflictsWith"`
	PodDisruptive      bool     `json:"podDisruptive"`
}

var knownTypes = []string{string(Component), string(Trait), string(Policy), string(WorkflowStep)}

// parseHeader evaluates the header on its own: it is plain data.
func parseHeader(ctx *cue.Context, file string, f *ast.Field) (*Definition, error) {
	name, _, err := ast.LabelName(f.Label)
	pos := diag.FromToken(f.Pos())
	if err != nil || name == "" {
		return nil, diag.List{diag.Errorf(pos, "definition header needs a plain name, such as \"my-component\"")}
	}
	v := ctx.BuildExpr(f.Value, cue.Filename(file))
	var h header
	if err := v.Err(); err != nil {
		return nil, FromCUE(err, fmt.Sprintf("definition %q: header", name), pos)
	}
	if err := v.Decode(&h); err != nil {
		return nil, FromCUE(err, fmt.Sprintf("definition %q: header", name), pos)
	}
	return newDefinition(file, pos, name, h)
}

func newDefinition(file string, pos diag.Pos, name string, h header) (*Definition, error) {
	switch Type(h.Type) {
	case Component, Trait, Policy, WorkflowStep:
	default:
		e := diag.Errorf(pos, "definition %q: type %q is not one of %q", name, h.Type, knownTypes)
		if s := diag.DidYouMean(h.Type, knownTypes); s != "" {
			e.Note("%s", s)
		}
		return nil, diag.List{e}
	}
	a := h.Attributes
	return &Definition{
		Name:        name,
		Type:        Type(h.Type),
		Description: h.Description,
		File:        file,
		Pos:         pos,
		Workload: Workload{
			APIVersion: a.Workload.Definition.APIVersion,
			Kind:       a.Workload.Definition.Kind,
			Type:       a.Workload.Type,
		},
		AppliesToWorkloads: a.AppliesToWorkloads,
		ConflictsWith:      a.ConflictsWith,
		PodDisruptive:      a.PodDisruptive,
		Labels:             h.Labels,
		Annotations:        h.Annotations,
	}, nil
}
