// Package value converts evaluated CUE values to plain Go data (maps, slices,
// strings, int64, float64, bool, nil), the form every later stage works on.
package value

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"github.com/oamc/oamc/compiler/diag"
)

// Error says which value could not be converted, and where it came from.
type Error struct {
	Path string
	Pos  diag.Pos
	Msg  string
	Err  error // the CUE error, when CUE raised it
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// ToGo converts a concrete CUE value to Go data. Defaults are taken; hidden
// fields, definitions and optional fields are left out.
func ToGo(v cue.Value) (any, error) {
	x, err := toGo(v)
	if err != nil {
		return nil, err
	}
	return x, nil
}

// toGo builds an error's path only on the way out of a failure, so that the
// common, successful walk allocates nothing for paths.
func toGo(v cue.Value) (any, *Error) {
	if d, ok := v.Default(); ok {
		v = d
	}
	fail := func(msg string) (any, *Error) {
		return nil, &Error{Pos: diag.FromToken(v.Pos()), Msg: msg}
	}
	if err := v.Err(); err != nil {
		return nil, &Error{Pos: diag.FromToken(v.Pos()), Msg: err.Error(), Err: err}
	}
	switch v.Kind() {
	case cue.StructKind:
		it, err := v.Fields()
		if err != nil {
			return fail(err.Error())
		}
		m := map[string]any{}
		for it.Next() {
			name := it.Selector().Unquoted()
			x, err := toGo(it.Value())
			if err != nil {
				err.Path = join(name, err.Path)
				return nil, err
			}
			m[name] = x
		}
		return m, nil
	case cue.ListKind:
		it, err := v.List()
		if err != nil {
			return fail(err.Error())
		}
		l := []any{}
		for i := 0; it.Next(); i++ {
			x, err := toGo(it.Value())
			if err != nil {
				err.Path = fmt.Sprintf("[%d]", i) + dotted(err.Path)
				return nil, err
			}
			l = append(l, x)
		}
		return l, nil
	case cue.StringKind:
		s, err := v.String()
		if err != nil {
			return fail(err.Error())
		}
		return s, nil
	case cue.BoolKind:
		b, err := v.Bool()
		if err != nil {
			return fail(err.Error())
		}
		return b, nil
	case cue.NullKind:
		return nil, nil
	case cue.IntKind:
		var z big.Int
		if _, err := v.Int(&z); err != nil {
			return fail(err.Error())
		}
		if !z.IsInt64() {
			return fail(fmt.Sprintf("integer %s does not fit in 64 bits", z.String()))
		}
		return z.Int64(), nil
	case cue.FloatKind:
		f, err := v.Float64()
		if err != nil {
			return fail(err.Error())
		}
		return f, nil
	case cue.BytesKind:
		b, err := v.Bytes()
		if err != nil {
			return fail(err.Error())
		}
		return string(b), nil
	}
	return fail(fmt.Sprintf("incomplete value %v: expected a concrete value", v))
}

func join(field, rest string) string {
	if rest == "" {
		return field
	}
	if strings.HasPrefix(rest, "[") {
		return field + rest
	}
	return field + "." + rest
}

// dotted prefixes a path that follows a list index.
func dotted(rest string) string {
	if rest == "" || strings.HasPrefix(rest, "[") {
		return rest
	}
	return "." + rest
}

// Pos returns the position of v's first source.
func Pos(v cue.Value) diag.Pos { return diag.FromToken(v.Pos()) }

// Show writes a Go value briefly, for messages: "x" in quotes, 3, a list.
func Show(x any) string {
	switch x := x.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case nil:
		return "null"
	}
	return fmt.Sprint(x)
}

// Describe says what a value the user wrote is, for "found ..." messages:
// string "x", int 3, a mapping.
func Describe(v cue.Value) string {
	x, err := ToGo(v)
	if err != nil {
		return v.IncompleteKind().String()
	}
	switch x.(type) {
	case string, bool, int64, float64:
		return Kind(x) + " " + Show(x)
	}
	return Show(x)
}

// Kind names the kind of a Go value as a user would: "string", "a list", ...
func Kind(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "bool"
	case int64, int:
		return "int"
	case float64:
		return "number"
	case []any:
		return "list"
	case map[string]any:
		return "mapping"
	}
	return fmt.Sprintf("%T", x)
}

// FromGo builds a CUE value from Go data (the forms ToGo returns, plus
// map[string]string, int and []string).
//
// It goes through CUE syntax rather than cue.Context.Encode on purpose: in
// cuelang.org/go v0.17.1 the struct items of a list that came from Encode
// (or FillPath with a Go value) lose their fields when a comprehension
// embeds them (`[for c in l {c}]` gives `[{}]`), which breaks templates
// that copy the workload's containers. Values built from syntax do not.
func FromGo(ctx *cue.Context, x any) cue.Value {
	return ctx.BuildExpr(expr(x))
}

func expr(x any) ast.Expr {
	switch x := x.(type) {
	case nil:
		return ast.NewNull()
	case string:
		return ast.NewString(x)
	case bool:
		return ast.NewBool(x)
	case int:
		return ast.NewLit(token.INT, strconv.Itoa(x))
	case int64:
		return ast.NewLit(token.INT, strconv.FormatInt(x, 10))
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return ast.NewLit(token.FLOAT, s)
	case []any:
		elts := make([]ast.Expr, len(x))
		for i, e := range x {
			elts[i] = expr(e)
		}
		return ast.NewList(elts...)
	case []string:
		elts := make([]ast.Expr, len(x))
		for i, e := range x {
			elts[i] = ast.NewString(e)
		}
		return ast.NewList(elts...)
	case map[string]any:
		return structLit(len(x), func(yield func(string, ast.Expr)) {
			for k, v := range x {
				yield(k, expr(v))
			}
		})
	case map[string]string:
		return structLit(len(x), func(yield func(string, ast.Expr)) {
			for k, v := range x {
				yield(k, ast.NewString(v))
			}
		})
	}
	return &ast.BottomLit{}
}

// structLit makes a struct with quoted labels (so "#a" or "_b" stay
// regular fields), in sorted order so the syntax is deterministic.
func structLit(n int, each func(yield func(string, ast.Expr))) ast.Expr {
	fields := make([]*ast.Field, 0, n)
	each(func(k string, v ast.Expr) {
		fields = append(fields, &ast.Field{Label: ast.NewString(k), Value: v})
	})
	sort.Slice(fields, func(i, j int) bool {
		return fields[i].Label.(*ast.BasicLit).Value < fields[j].Label.(*ast.BasicLit).Value
	})
	decls := make([]ast.Decl, len(fields))
	for i, f := range fields {
		decls[i] = f
	}
	return &ast.StructLit{Elts: decls}
}
