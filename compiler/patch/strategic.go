package patch

import (
	"fmt"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/token"

	"github.com/oamc/oamc/compiler/value"
)

// Strategies a field of a trait's patch may ask for with
// `// +patchStrategy=<name>`, as in KubeVela.
const (
	Replace        = "replace"
	RetainKeys     = "retainKeys"
	JSONPatch      = "jsonPatch"
	JSONMergePatch = "jsonMergePatch"
)

// Conflict is a patch that sets a field the object already has to another
// value.
type Conflict struct {
	Path     string
	Existing any
	Patch    any
	PatchPos token.Pos
}

func (c *Conflict) Error() string {
	return fmt.Sprintf("%s: conflicting values %s (already set) and %s (from the patch)", c.Path, value.Show(c.Existing), value.Show(c.Patch))
}

// Merger merges evaluated trait patches into plain objects.
type Merger struct {
	// Tags, when not nil, gives the `+patchKey` and `+patchStrategy` tags
	// the definition's source puts on the patch field at path ("" for the
	// patch itself, else like "spec.containers[0].env").
	Tags func(path string) (patchKey, strategy string)
	// Set, when not nil, is told of every field the patch writes, so that a
	// later conflict can name who set the value first.
	Set func(path string, pos token.Pos)
}

// Merge merges patch p into doc and returns the result; doc is not changed.
// Fields merge as CUE unification would (a different scalar is a
// Conflict); lists merge element by element unless the patch's field is
// tagged `+patchKey=<key>` (items merge by key, others are appended) or
// `+patchStrategy=...`.
func (m *Merger) Merge(doc any, p cue.Value) (any, error) {
	return m.merge(doc, p, "", "")
}

func (m *Merger) merge(base any, p cue.Value, path, inheritedKey string) (any, error) {
	tags := tagsOf(p)
	if m.Tags != nil {
		key, strategy := m.Tags(path)
		if key != "" {
			tags.patchKey = key
		}
		if strategy != "" {
			tags.strategy = strategy
		}
	}
	// An open list's element pattern must be read before defaults close it.
	var elem cue.Value
	if p.IncompleteKind() == cue.ListKind {
		elem = p.LookupPath(cue.MakePath(cue.AnyIndex))
	}
	if d, ok := p.Default(); ok {
		p = d
	}
	key := inheritedKey
	if tags.patchKey != "" {
		key = tags.patchKey
	}
	switch tags.strategy {
	case JSONPatch:
		ops, err := m.concrete(p.LookupPath(cue.ParsePath("operations")), path+".operations")
		if err != nil {
			return nil, err
		}
		l, ok := ops.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: +patchStrategy=jsonPatch expects operations: [...], found %s", path, value.Kind(ops))
		}
		return ApplyJSONPatch(base, l)
	case JSONMergePatch:
		x, err := m.concrete(p, path)
		if err != nil {
			return nil, err
		}
		return ApplyMergePatch(base, x), nil
	case Replace, RetainKeys:
		return m.concrete(p, path)
	}
	switch p.Kind() {
	case cue.StructKind:
		out := map[string]any{}
		switch b := base.(type) {
		case nil:
		case map[string]any:
			for k, v := range b {
				out[k] = v
			}
		default:
			x, _ := value.ToGo(p)
			return nil, &Conflict{Path: path, Existing: base, Patch: x, PatchPos: p.Pos()}
		}
		it, err := p.Fields()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for it.Next() {
			name := it.Selector().Unquoted()
			x, err := m.merge(out[name], it.Value(), join(path, name), key)
			if err != nil {
				return nil, err
			}
			out[name] = x
		}
		return out, nil
	case cue.ListKind:
		var list []any
		switch b := base.(type) {
		case nil:
		case []any:
			list = append(list, b...)
		default:
			x, _ := value.ToGo(p)
			return nil, &Conflict{Path: path, Existing: base, Patch: x, PatchPos: p.Pos()}
		}
		if key != "" && anyHasKey(p, key) {
			return m.mergeByKey(list, p, path, key)
		}
		// With no key, or patch items that lack it, items unify by position
		// (as KubeVela does); a key still applies to lists inside the items.
		return m.mergeByIndex(list, p, elem, path, key)
	}
	x, err := value.ToGo(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if base != nil && !equal(base, x) {
		return nil, &Conflict{Path: path, Existing: base, Patch: x, PatchPos: p.Pos()}
	}
	if base == nil && m.Set != nil {
		m.Set(path, p.Pos())
	}
	return x, nil
}

// mergeByIndex unifies the patch's items with the object's, one by one; an
// open patch list ([...X]) applies X to every further item.
func (m *Merger) mergeByIndex(list []any, p, elem cue.Value, path, key string) (any, error) {
	it, err := p.List()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	n := 0
	for ; it.Next(); n++ {
		ipath := fmt.Sprintf("%s[%d]", path, n)
		if n < len(list) {
			x, err := m.merge(list[n], it.Value(), ipath, key)
			if err != nil {
				return nil, err
			}
			list[n] = x
			continue
		}
		x, err := m.concrete(it.Value(), ipath)
		if err != nil {
			return nil, err
		}
		list = append(list, x)
	}
	if elem.Exists() && n < len(list) {
		for i := n; i < len(list); i++ {
			u := value.FromGo(p.Context(), list[i]).Unify(elem)
			x, err := value.ToGo(u)
			if err != nil {
				return nil, fmt.Errorf("%s[%d]: %w", path, i, err)
			}
			list[i] = x
		}
	}
	if list == nil {
		list = []any{}
	}
	return list, nil
}

// mergeByKey merges patch items into the object's items with the same
// key; a key may be dotted (a.b) or several keys (k1,k2) that must all match.
func (m *Merger) mergeByKey(list []any, p cue.Value, path, key string) (any, error) {
	keys := strings.Split(key, ",")
	it, err := p.List()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := 0; it.Next(); i++ {
		item := it.Value()
		want, ok := keyOfPatch(item, keys)
		idx := -1
		if ok {
			for j, b := range list {
				if got, ok := keyOfData(b, keys); ok && equal(got, want) {
					idx = j
					break
				}
			}
		}
		if idx < 0 {
			x, err := m.concrete(item, fmt.Sprintf("%s[%d]", path, len(list)))
			if err != nil {
				return nil, err
			}
			list = append(list, x)
			continue
		}
		x, err := m.merge(list[idx], item, fmt.Sprintf("%s[%d]", path, idx), key)
		if err != nil {
			return nil, err
		}
		list[idx] = x
	}
	if list == nil {
		list = []any{} // an empty patch list is an empty list, not null
	}
	return list, nil
}

// anyHasKey reports whether some item of patch list p has the key.
func anyHasKey(p cue.Value, key string) bool {
	keys := strings.Split(key, ",")
	it, err := p.List()
	if err != nil {
		return false
	}
	for it.Next() {
		if _, ok := keyOfPatch(it.Value(), keys); ok {
			return true
		}
	}
	return false
}

func keyOfPatch(v cue.Value, keys []string) ([]any, bool) {
	var out []any
	for _, k := range keys {
		x, err := value.ToGo(v.LookupPath(cue.ParsePath(strings.TrimSpace(k))))
		if err != nil {
			return nil, false
		}
		out = append(out, x)
	}
	return out, true
}

func keyOfData(d any, keys []string) ([]any, bool) {
	var out []any
	for _, k := range keys {
		cur := d
		for _, part := range strings.Split(strings.TrimSpace(k), ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[part]; !ok {
				return nil, false
			}
		}
		out = append(out, cur)
	}
	return out, true
}

// concrete converts a patch value to data and records who set it.
func (m *Merger) concrete(p cue.Value, path string) (any, error) {
	x, err := value.ToGo(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m.Set != nil {
		m.Set(path, p.Pos())
	}
	return x, nil
}

type tags struct{ patchKey, strategy string }

// tagsOf reads the `// +patchKey=` and `// +patchStrategy=` comments on the
// field that holds p.
func tagsOf(p cue.Value) tags {
	var t tags
	for _, cg := range p.Doc() {
		for _, c := range cg.List {
			text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
			if v, ok := strings.CutPrefix(text, "+patchKey="); ok {
				t.patchKey = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(text, "+patchStrategy="); ok {
				t.strategy = strings.TrimSpace(v)
			}
		}
	}
	return t
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
