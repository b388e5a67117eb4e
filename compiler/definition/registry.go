package definition

import (
	"sort"

	"github.com/oamc/oamc/compiler/diag"
)

// Registry holds definitions by type and name; a later one of the same
// name replaces an earlier one.
type Registry struct {
	defs     map[Type]map[string]*Definition
	Warnings diag.List
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{defs: map[Type]map[string]*Definition{}}
}

// Add registers defs in order, warning when one replaces another.
func (r *Registry) Add(defs ...*Definition) {
	for _, d := range defs {
		m := r.defs[d.Type]
		if m == nil {
			m = map[string]*Definition{}
			r.defs[d.Type] = m
		}
		if prev, ok := m[d.Name]; ok {
			r.Warnings = append(r.Warnings, &diag.Diagnostic{
				Severity: diag.Warning,
				Pos:      d.Pos,
				Message:  "definition " + string(d.Type) + " \"" + d.Name + "\" replaces the one at " + prev.Pos.String(),
			})
		}
		m[d.Name] = d
	}
}

// Get returns the definition of type t named name.
func (r *Registry) Get(t Type, name string) (*Definition, bool) {
	d, ok := r.defs[t][name]
	return d, ok
}

// Names lists the names of type t, sorted.
func (r *Registry) Names(t Type) []string {
	names := make([]string, 0, len(r.defs[t]))
	for n := range r.defs[t] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// All lists every definition, by type then name.
func (r *Registry) All() []*Definition {
	var out []*Definition
	for _, t := range []Type{Component, Trait, Policy, WorkflowStep} {
		for _, n := range r.Names(t) {
			out = append(out, r.defs[t][n])
		}
	}
	return out
}
