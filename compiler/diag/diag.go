// Package diag holds oamc's positioned diagnostics: one clear message per bad
// input, pointing at the user's file:line:col and, where it helps, at the
// definition line that expected something else.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"cuelang.org/go/cue/token"
)

// Severity orders diagnostics; only errors fail a render.
type Severity int

const (
	Error Severity = iota
	Warning
)

// Pos is a source position. File is empty when there is none.
type Pos struct {
	File string
	Line int
	Col  int
}

// FromToken converts a CUE position; an invalid position gives the zero Pos.
func FromToken(p token.Pos) Pos {
	if !p.IsValid() {
		return Pos{}
	}
	return Pos{File: p.Filename(), Line: p.Line(), Col: p.Column()}
}

// IsValid reports whether p names a file.
func (p Pos) IsValid() bool { return p.File != "" }

func (p Pos) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line == 0:
		return p.File
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// Diagnostic is one message about one input.
type Diagnostic struct {
	Severity Severity
	Pos      Pos      // where the user should look first
	Message  string   // what was expected and what was found
	Notes    []string // extra lines: "did you mean", the definition's position
}

func (d *Diagnostic) Error() string {
	var b strings.Builder
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.Pos.IsValid() {
		b.WriteString(d.Pos.String())
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	for _, n := range d.Notes {
		b.WriteString("\n\t")
		b.WriteString(n)
	}
	return b.String()
}

// Errorf makes an error diagnostic at p.
func Errorf(p Pos, format string, args ...any) *Diagnostic {
	return &Diagnostic{Pos: p, Message: fmt.Sprintf(format, args...)}
}

// Note appends an extra line and returns d, for chaining.
func (d *Diagnostic) Note(format string, args ...any) *Diagnostic {
	d.Notes = append(d.Notes, fmt.Sprintf(format, args...))
	return d
}

// List is a set of diagnostics returned as one error.
type List []*Diagnostic

func (l List) Error() string {
	parts := make([]string, len(l))
	for i, d := range l {
		parts[i] = d.Error()
	}
	return strings.Join(parts, "\n")
}

// Err returns l as an error, or nil when l is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// AsList returns err as a list of diagnostics; an error that is none
// becomes one without a position.
func AsList(err error) List {
	var l List
	if errors.As(err, &l) {
		return l
	}
	var d *Diagnostic
	if errors.As(err, &d) {
		return List{d}
	}
	return List{{Message: err.Error()}}
}

// Sort orders diagnostics by file, line and column so output is stable.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Suggest returns the candidate closest to name, or "" when none is close
// enough to be a likely typo.
func Suggest(name string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(strings.ToLower(name), strings.ToLower(c))
		if bestDist < 0 || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	limit := max(2, len(name)/3)
	if best == "" || bestDist > limit || bestDist >= len(name) {
		return ""
	}
	return best
}

// distance is the Levenshtein edit distance, with a transposition counted
// as one edit (the most common typo).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// DidYouMean returns the "did you mean" note for name, or "" when there is
// no close candidate.
func DidYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return ""
}
