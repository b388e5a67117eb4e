package patch

// ApplyMergePatch applies an RFC 7396 JSON merge patch: objects merge
// recursively, null deletes a key, anything else (including arrays)
// replaces. Neither doc nor patch is mutated and the result shares no maps or
// slices with them.
func ApplyMergePatch(doc, patch any) any {
	return mergeInto(DeepCopy(doc), patch)
}

// mergeInto implements the MergePatch function of RFC 7396 section 2.
// target is owned by the caller and edited in place; patch is only read.
func mergeInto(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		// Copy so the result does not alias the caller's patch.
		return DeepCopy(patch)
	}
	t, ok := target.(map[string]any)
	if !ok || t == nil {
		// A non-object target is discarded; a nil map cannot be written to.
		t = make(map[string]any, len(p))
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		// A missing key yields nil, which mergeInto treats as a non-object
		// target, so nested nulls in v are dropped as the RFC requires.
		t[k] = mergeInto(t[k], v)
	}
	return t
}
