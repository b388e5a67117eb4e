package render

import (
	"github.com/oamc/oamc/compiler/appspec"
	"github.com/oamc/oamc/compiler/kube"
)

// Labels oamc puts on every object, as KubeVela does, so tools that know
// KubeVela's labels find oamc's objects.
const (
	LabelAppName      = "app.oam.dev/name"
	LabelAppNamespace = "app.oam.dev/namespace"
	LabelComponent    = "app.oam.dev/component"
	LabelAppRevision  = "app.oam.dev/appRevision"
	LabelResourceType = "app.oam.dev/resourceType"
	LabelWorkloadType = "workload.oam.dev/type"
	LabelTraitType    = "trait.oam.dev/type"
	LabelTraitRes     = "trait.oam.dev/resource"
	auxiliaryWorkload = "AuxiliaryWorkload"
)

// finish adds the app's and KubeVela's labels and annotations, a name when
// the definition gave none, and the app's namespace on namespaced objects.
func finish(o *Object, app *appspec.Application, comp *appspec.Component) {
	md, _ := o.Data["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		o.Data["metadata"] = md
	}
	if name, _ := md["name"].(string); name == "" {
		if o.Role == Workload {
			md["name"] = comp.Name
		} else {
			md["name"] = comp.Name + "-" + o.Output
		}
	}
	apiVersion, _ := o.Data["apiVersion"].(string)
	kind, _ := o.Data["kind"].(string)
	if ns, _ := md["namespace"].(string); ns == "" && kube.Namespaced(apiVersion, kind) {
		md["namespace"] = app.Namespace
	}
	labels := merged(md["labels"], app.Labels)
	labels[LabelAppName] = app.Name
	labels[LabelAppNamespace] = app.Namespace
	labels[LabelComponent] = comp.Name
	labels[LabelAppRevision] = ""
	switch o.Role {
	case Workload:
		labels[LabelResourceType] = string(Workload)
		labels[LabelWorkloadType] = comp.Type
	case Auxiliary:
		labels[LabelResourceType] = string(TraitOut)
		labels[LabelTraitType] = auxiliaryWorkload
		labels[LabelTraitRes] = o.Output
	case TraitOut:
		labels[LabelResourceType] = string(TraitOut)
		labels[LabelTraitType] = o.Trait
		labels[LabelTraitRes] = o.Output
	}
	md["labels"] = labels
	if ann := merged(md["annotations"], app.Annotations); len(ann) > 0 {
		md["annotations"] = ann
	} else {
		delete(md, "annotations")
	}
}

// merged returns the object's own map with the app's entries added; the
// object's own values win, since its definition set them on purpose.
func merged(own any, app map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range app {
		out[k] = v
	}
	if m, ok := own.(map[string]any); ok {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
