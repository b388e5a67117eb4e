package diag

import (
	"errors"
	"testing"

	"cuelang.org/go/cue/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSuggest(t *testing.T) {
	props := []string{"image", "imagePullPolicy", "ports", "cmd", "env"}
	tests := []struct {
		name       string
		input      string
		candidates []string
		want       string
	}{
		{"one letter too many", "imagee", props, "image"},
		{"one letter missing", "imag", props, "image"},
		{"one letter wrong", "imoge", props, "image"},
		{"transposition", "imgae", props, "image"},
		{"transposition at the start", "mage", []string{"image"}, "image"},
		{"transposed pair in a short word", "prots", props, "ports"},
		{"case only", "Image", props, "image"},
		{"case of the candidate is kept", "imagepullpolicy", props, "imagePullPolicy"},
		{"exact match", "ports", props, "ports"},
		{"no close candidate", "replicas", props, ""},
		{"too far for a short name", "xyz", []string{"abc"}, ""},
		{"distance equals length", "ab", []string{"cd"}, ""},
		{"a one-letter name never matches a different letter", "a", []string{"b"}, ""},
		{"empty list", "image", nil, ""},
		{"empty name", "", []string{"a"}, ""},
		{"long name allows len/3 edits", "compponentsxx", []string{"components"}, "components"},
		{"long name beyond len/3 edits", "cmpnntsxxxx", []string{"components"}, ""},
		{"tie takes the first in name order", "ab", []string{"ac", "aa"}, "aa"},
		{"closest wins over earlier", "expos", []string{"export", "expose"}, "expose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Suggest(tt.input, tt.candidates))
		})
	}
}

func TestSuggestDoesNotReorderCandidates(t *testing.T) {
	c := []string{"zeta", "alpha", "beta"}
	Suggest("alpah", c)
	assert.Equal(t, []string{"zeta", "alpha", "beta"}, c)
}

func TestDidYouMean(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		candidates []string
		want       string
	}{
		{"typo", "componets", []string{"components", "policies", "workflow"}, `did you mean "components"?`},
		{"transposition", "wrokflow", []string{"components", "policies", "workflow"}, `did you mean "workflow"?`},
		{"case", "SPEC", []string{"spec"}, `did you mean "spec"?`},
		{"no close candidate", "zzzzzz", []string{"components"}, ""},
		{"empty list", "spec", nil, ""},
		{"quotes are escaped", "a-b", []string{`a"b`}, `did you mean "a\"b"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, DidYouMean(tt.input, tt.candidates))
		})
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"abc", "abc", 0},
		{"abc", "abd", 1},
		{"abc", "abcd", 1},
		{"abcd", "abc", 1},
		{"ab", "ba", 1},
		{"image", "imgae", 1},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"abcdef", "badcfe", 3},
		{"ca", "abc", 3}, // restricted transposition: no edit between the swapped letters
		{"héllo", "hello", 1},
		{"Image", "image", 1}, // case matters here; Suggest lowers both sides
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			assert.Equal(t, tt.want, distance(tt.a, tt.b))
			assert.Equal(t, tt.want, distance(tt.b, tt.a), "distance is symmetric")
		})
	}
}

func TestPosString(t *testing.T) {
	tests := []struct {
		name string
		pos  Pos
		want string
	}{
		{"zero", Pos{}, ""},
		{"no file", Pos{Line: 3, Col: 4}, ""},
		{"file only", Pos{File: "app.yaml"}, "app.yaml"},
		{"full", Pos{File: "app.yaml", Line: 11, Col: 9}, "app.yaml:11:9"},
		{"column zero", Pos{File: "a.cue", Line: 2}, "a.cue:2:0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.pos.String())
			assert.Equal(t, tt.pos.File != "", tt.pos.IsValid())
		})
	}
}

func TestFromToken(t *testing.T) {
	assert.Equal(t, Pos{}, FromToken(token.NoPos))
	f := token.NewFile("defs/x.cue", -1, 100)
	f.SetLinesForContent([]byte("ab\ncdef\n"))
	assert.Equal(t, Pos{File: "defs/x.cue", Line: 2, Col: 3}, FromToken(f.Pos(5, token.NoRelPos)))
}

func TestDiagnosticError(t *testing.T) {
	at := Pos{File: "app.yaml", Line: 11, Col: 9}
	tests := []struct {
		name string
		d    *Diagnostic
		want string
	}{
		{"message only", &Diagnostic{Message: "no input"}, "no input"},
		{"position", Errorf(at, "unknown property %q", "imagee"), `app.yaml:11:9: unknown property "imagee"`},
		{"file without line", Errorf(Pos{File: "app.yaml"}, "file is empty"), "app.yaml: file is empty"},
		{
			"notes",
			Errorf(at, "unknown property %q", "imagee").Note("did you mean %q?", "image").Note("defined at %s", Pos{File: "w.cue", Line: 6, Col: 1}),
			"app.yaml:11:9: unknown property \"imagee\"\n\tdid you mean \"image\"?\n\tdefined at w.cue:6:1",
		},
		{"warning", &Diagnostic{Severity: Warning, Pos: at, Message: "replaced"}, "warning: app.yaml:11:9: replaced"},
		{"warning without position", &Diagnostic{Severity: Warning, Message: "replaced"}, "warning: replaced"},
		{
			"warning with a note",
			(&Diagnostic{Severity: Warning, Pos: at, Message: "replaced"}).Note("first at %s", "x.cue:1:1"),
			"warning: app.yaml:11:9: replaced\n\tfirst at x.cue:1:1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.d.Error())
		})
	}
}

func TestErrorfIsAnError(t *testing.T) {
	d := Errorf(Pos{File: "a"}, "x %d", 1)
	assert.Equal(t, Error, d.Severity)
	assert.Equal(t, "x 1", d.Message)
	assert.Empty(t, d.Notes)
	var err error = d
	var got *Diagnostic
	require.True(t, errors.As(err, &got))
	assert.Same(t, d, got)
}

func TestListErr(t *testing.T) {
	assert.NoError(t, List(nil).Err())
	assert.NoError(t, List{}.Err())
	assert.Nil(t, List{}.Err(), "an empty list is a nil error, not a typed nil")

	l := List{Errorf(Pos{File: "a", Line: 1, Col: 1}, "one"), Errorf(Pos{File: "b", Line: 2, Col: 2}, "two").Note("n")}
	err := l.Err()
	require.Error(t, err)
	assert.Equal(t, "a:1:1: one\nb:2:2: two\n\tn", err.Error())
	var got List
	require.ErrorAs(t, err, &got)
	assert.Len(t, got, 2)
}

func TestListSort(t *testing.T) {
	d := func(file string, line, col int, msg string) *Diagnostic {
		return Errorf(Pos{File: file, Line: line, Col: col}, "%s", msg)
	}
	l := List{
		d("b.yaml", 1, 1, "b1"),
		d("a.yaml", 10, 1, "a10"),
		d("a.yaml", 2, 5, "a2:5"),
		d("a.yaml", 2, 3, "a2:3-first"),
		d("", 0, 0, "nowhere"),
		d("a.yaml", 2, 3, "a2:3-second"),
		d("a.yaml", 9, 1, "a9"),
		d("a.yaml", 2, 3, "a2:3-third"),
	}
	l.Sort()
	var got []string
	for _, x := range l {
		got = append(got, x.Message)
	}
	assert.Equal(t, []string{"nowhere", "a2:3-first", "a2:3-second", "a2:3-third", "a2:5", "a9", "a10", "b1"}, got,
		"sorted by file, line (numerically) and column; equal positions keep their order")
}

func TestListSortIsStableForManyEqualPositions(t *testing.T) {
	// sort.Slice switches algorithms above a dozen elements; stability must hold beyond that.
	var l List
	for i := range 50 {
		l = append(l, &Diagnostic{Pos: Pos{File: "a", Line: 1 + i%2, Col: 1}, Message: string(rune('A' + i))})
	}
	l.Sort()
	var line1, line2 []string
	for _, x := range l {
		if x.Pos.Line == 1 {
			line1 = append(line1, x.Message)
		} else {
			line2 = append(line2, x.Message)
		}
	}
	require.Len(t, line1, 25)
	require.Len(t, line2, 25)
	for i := range 25 {
		assert.Equal(t, string(rune('A'+2*i)), line1[i])
		assert.Equal(t, string(rune('A'+2*i+1)), line2[i])
	}
	assert.Equal(t, 1, l[24].Pos.Line)
	assert.Equal(t, 2, l[25].Pos.Line)
}
