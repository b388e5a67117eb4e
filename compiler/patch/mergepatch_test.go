package patch

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type mergeCase struct {
	name   string
	target string
	patch  string
	want   string
}

func runMergeCases(t *testing.T, cases []mergeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ApplyMergePatch(mustJSON(t, tc.target), mustJSON(t, tc.patch))
			assert.Equal(t, mustJSON(t, tc.want), got)
		})
	}
}

// The test cases of RFC 7396 Appendix A.
func TestApplyMergePatchRFC7396Examples(t *testing.T) {
	runMergeCases(t, []mergeCase{
		{"replace member", `{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{"add member", `{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{"delete only member", `{"a":"b"}`, `{"a":null}`, `{}`},
		{"delete one member", `{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{"array replaced by string", `{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{"string replaced by array", `{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{"nested merge and delete", `{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{"array of objects replaced", `{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{"array replaced by array", `["a","b"]`, `["c","d"]`, `["c","d"]`},
		{"object replaced by array", `{"a":"b"}`, `["c"]`, `["c"]`},
		{"object replaced by null", `{"a":"foo"}`, `null`, `null`},
		{"object replaced by string", `{"a":"foo"}`, `"bar"`, `"bar"`},
		{"existing null kept", `{"e":null}`, `{"a":1}`, `{"e":null,"a":1}`},
		{"array target becomes object", `[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{"nested nulls dropped from new members", `{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	})
}

func TestApplyMergePatch(t *testing.T) {
	runMergeCases(t, []mergeCase{
		{"RFC 7396 section 3 example",
			`{"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],"content":"This will be unchanged"}`,
			`{"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}`,
			`{"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}`},
		{"empty patch keeps target", `{"a":{"b":1}}`, `{}`, `{"a":{"b":1}}`},
		{"delete missing member is a no-op", `{"a":1}`, `{"b":null}`, `{"a":1}`},
		{"scalar target becomes object", `"s"`, `{"a":1}`, `{"a":1}`},
		{"null target becomes object", `null`, `{"a":{"b":null,"c":2}}`, `{"a":{"c":2}}`},
		{"deep merge", `{"spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"x"}}}}}`,
			`{"spec":{"replicas":3,"template":{"metadata":{"labels":{"tier":"web"}}}}}`,
			`{"spec":{"replicas":3,"template":{"metadata":{"labels":{"app":"x","tier":"web"}}}}}`},
		{"object replaces scalar member", `{"a":1}`, `{"a":{"b":2,"c":null}}`, `{"a":{"b":2}}`},
		{"numbers replace", `{"a":1}`, `{"a":1.5}`, `{"a":1.5}`},
		{"empty array replaces", `{"a":[1,2]}`, `{"a":[]}`, `{"a":[]}`},
		{"empty object merges", `{"a":{"b":1}}`, `{"a":{}}`, `{"a":{"b":1}}`},
	})
}

func TestApplyMergePatchDoesNotMutateInputs(t *testing.T) {
	target := mustJSON(t, `{"a":{"b":1,"c":[1,2]},"d":"x","keep":{"deep":{"v":1}}}`)
	patch := mustJSON(t, `{"a":{"b":null,"c":[3],"n":{"m":1}},"d":null,"e":{"f":[{"g":1}]}}`)
	targetBefore, patchBefore := DeepCopy(target), DeepCopy(patch)

	got := ApplyMergePatch(target, patch)
	require.Equal(t, mustJSON(t, `{"a":{"c":[3],"n":{"m":1}},"e":{"f":[{"g":1}]},"keep":{"deep":{"v":1}}}`), got)
	assert.Equal(t, targetBefore, target)
	assert.Equal(t, patchBefore, patch)

	// The result must share no containers with target or patch.
	res := got.(map[string]any)
	res["a"].(map[string]any)["c"].([]any)[0] = "changed"
	res["a"].(map[string]any)["n"].(map[string]any)["m"] = "changed"
	res["e"].(map[string]any)["f"].([]any)[0].(map[string]any)["g"] = "changed"
	res["keep"].(map[string]any)["deep"].(map[string]any)["v"] = "changed"
	assert.Equal(t, targetBefore, target)
	assert.Equal(t, patchBefore, patch)
}

func TestApplyMergePatchNilMapsAndGoValues(t *testing.T) {
	target := map[string]any{"m": map[string]any(nil), "n": 1}
	patch := map[string]any{"m": map[string]any{"k": "v"}, "n": float32(2)}
	got := ApplyMergePatch(target, patch)
	assert.Equal(t, map[string]any{"m": map[string]any{"k": "v"}, "n": float32(2)}, got)
	assert.Nil(t, target["m"])

	// A nil map as the whole target is still an object to merge into.
	got = ApplyMergePatch(map[string]any(nil), map[string]any{"a": int64(1)})
	assert.Equal(t, map[string]any{"a": int64(1)}, got)

	// A nil map patch is an empty object: the target is kept.
	got = ApplyMergePatch(map[string]any{"a": int64(1)}, map[string]any(nil))
	assert.Equal(t, map[string]any{"a": int64(1)}, got)
}
