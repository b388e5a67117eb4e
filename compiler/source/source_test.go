package source

import (
	"fmt"
	"testing"

	"cuelang.org/go/cue/format"
)

func TestProbe(t *testing.T) {
	for _, s := range []string{
		"a: 1\n",
		"a: 1\n---\nb: 2\n",
		"---\na: 1\n---\n---\nb: 2\n---\n",
		"---\n",
		"---\n---\n",
		"# only a comment\n",
		"  \n\t\n",
		`{"apiVersion": "v1", "kind": "X"}`,
		"a: [1, 2\nb: 3\n",
		"a:\n  b: {x: 1, y: 2\nc: 3\n",
		"a: b: c\n",
		"a: 1\n\tb: 2\n",
		"a: 1\n---\nb: [\n",
		"a:\n  - x\n  y: 2\n",
		"a: 1\na: 2\n",
		"a: {x: [1, 2}\n",
		"x: 1\ny:\n  z: [1,\n     2\nw: 1\n",
		"[1, 2]\n",
		"\"just a string\"\n",
	} {
		docs, d := Parse("app.yaml", []byte(s))
		fmt.Printf("=== %q\n", s)
		if d != nil {
			fmt.Printf("ERR %s\n", d.Error())
			continue
		}
		for _, x := range docs {
			b, _ := format.Node(x.Expr)
			fmt.Printf("doc %d %s: %s\n", x.Index, x.Expr.Pos(), b)
		}
	}
}
