// Package patch merges trait patches into rendered Kubernetes objects.
//
// Documents are decoded JSON/YAML values: map[string]any, []any, string,
// bool, nil and numbers (int64 or float64; int and float32 are accepted
// too). Documents must be trees: a map or slice that contains itself is not
// supported. No function in this package mutates its inputs; results never
// share maps or slices with them.
package patch

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Sentinel errors for use with errors.Is. Operation failures are returned as
// *OpError wrapping one of these.
var (
	// ErrInvalidOperation reports a malformed operation: it is not an object,
	// a required member is missing or has the wrong type, or op is unknown.
	ErrInvalidOperation = errors.New("invalid operation")
	// ErrInvalidPointer reports a path or from that is not an RFC 6901 pointer.
	ErrInvalidPointer = errors.New("invalid JSON pointer")
	// ErrPathNotFound reports a pointer naming a member that does not exist.
	ErrPathNotFound = errors.New("path not found")
	// ErrInvalidIndex reports an array reference token that is not a valid
	// index (for example "01", "-1" or "x").
	ErrInvalidIndex = errors.New("invalid array index")
	// ErrIndexOutOfRange reports an array index past the end of the array.
	ErrIndexOutOfRange = errors.New("array index out of range")
	// ErrNotContainer reports a pointer that descends into a scalar or null.
	ErrNotContainer = errors.New("not an object or array")
	// ErrTestFailed reports a test operation whose value did not match.
	ErrTestFailed = errors.New("test failed")
	// ErrMoveIntoChild reports a move whose from is a proper prefix of path.
	ErrMoveIntoChild = errors.New("cannot move a value into one of its children")
)

// OpError is returned by ApplyJSONPatch when an operation fails. Index is the
// position of the operation in the list, Op its "op" member and Path its
// "path" member (empty when missing).
type OpError struct {
	Index int
	Op    string
	Path  string
	Err   error
}

// Error formats the error as `operation 2 (replace /spec/replicas): path not found`.
func (e *OpError) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("operation %d: %v", e.Index, e.Err)
	}
	path := e.Path
	if path == "" {
		// The root pointer is the empty string; quote it so it is visible.
		path = `""`
	}
	return fmt.Sprintf("operation %d (%s %s): %v", e.Index, e.Op, path, e.Err)
}

// Unwrap returns the underlying error.
func (e *OpError) Unwrap() error { return e.Err }

// ApplyJSONPatch applies RFC 6902 operations (add, remove, replace, move,
// copy, test) to doc and returns the new document. ops is the decoded
// operations list: each element a map with "op", "path", and "value" or
// "from". Unknown members are ignored. The patch is atomic: on error the
// result is nil and no partial result is returned.
func ApplyJSONPatch(doc any, ops []any) (any, error) {
	// Work on a private copy so operations can edit in place without
	// touching the caller's document.
	out := DeepCopy(doc)
	for i, raw := range ops {
		var err error
		out, err = applyOp(out, i, raw)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// applyOp applies a single operation to the owned document doc.
func applyOp(doc any, index int, raw any) (any, error) {
	opErr := &OpError{Index: index}
	fail := func(err error) (any, error) {
		opErr.Err = err
		return nil, opErr
	}

	op, ok := raw.(map[string]any)
	if !ok {
		return fail(fmt.Errorf("%w: operation must be an object, got %s", ErrInvalidOperation, kindOf(raw)))
	}
	name, err := stringMember(op, "op")
	if err != nil {
		return fail(err)
	}
	opErr.Op = name
	path, err := stringMember(op, "path")
	if err != nil {
		return fail(err)
	}
	opErr.Path = path

	switch name {
	case "add", "remove", "replace", "move", "copy", "test":
	default:
		return fail(fmt.Errorf("%w: unknown op %q", ErrInvalidOperation, name))
	}

	tokens, err := parsePointer(path)
	if err != nil {
		return fail(err)
	}

	switch name {
	case "add", "replace", "test":
		value, ok := op["value"]
		if !ok {
			return fail(fmt.Errorf(`%w: missing "value"`, ErrInvalidOperation))
		}
		switch name {
		case "add":
			// Copy so the result never aliases the caller's ops.
			doc, err = add(doc, tokens, DeepCopy(value))
		case "replace":
			doc, err = replace(doc, tokens, DeepCopy(value))
		default:
			err = test(doc, tokens, value)
		}
	case "remove":
		doc, _, err = remove(doc, tokens)
	case "move", "copy":
		from, ferr := stringMember(op, "from")
		if ferr != nil {
			return fail(ferr)
		}
		fromTokens, ferr := parsePointer(from)
		if ferr != nil {
			return fail(fmt.Errorf("from %q: %w", from, ferr))
		}
		if name == "move" {
			doc, err = move(doc, from, fromTokens, tokens)
		} else {
			doc, err = copyValue(doc, from, fromTokens, tokens)
		}
	}
	if err != nil {
		return fail(err)
	}
	return doc, nil
}

// stringMember returns op[key], which must be present and a string.
func stringMember(op map[string]any, key string) (string, error) {
	v, ok := op[key]
	if !ok {
		return "", fmt.Errorf("%w: missing %q", ErrInvalidOperation, key)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: %q must be a string, got %s", ErrInvalidOperation, key, kindOf(v))
	}
	return s, nil
}

func add(doc any, tokens []string, value any) (any, error) {
	if len(tokens) == 0 {
		return value, nil
	}
	return modify(doc, tokens, 0, func(parent any, last string) (any, error) {
		switch p := parent.(type) {
		case map[string]any:
			if p == nil {
				p = make(map[string]any)
			}
			p[last] = value
			return p, nil
		case []any:
			idx := len(p)
			if last != "-" {
				var err error
				if idx, err = parseIndex(last); err != nil {
					return nil, err
				}
			}
			// Inserting at len(p) appends, as RFC 6902 section 4.1 allows.
			if idx > len(p) {
				return nil, fmt.Errorf("%w: %d (length %d)", ErrIndexOutOfRange, idx, len(p))
			}
			return slices.Insert(p, idx, value), nil
		default:
			return nil, notContainer(parent)
		}
	})
}

// remove deletes the value at tokens and returns the new document and the
// removed value.
func remove(doc any, tokens []string) (any, any, error) {
	if len(tokens) == 0 {
		return nil, nil, fmt.Errorf("%w: cannot remove the document root", ErrInvalidOperation)
	}
	var removed any
	out, err := modify(doc, tokens, 0, func(parent any, last string) (any, error) {
		switch p := parent.(type) {
		case map[string]any:
			v, ok := p[last]
			if !ok {
				return nil, ErrPathNotFound
			}
			removed = v
			delete(p, last)
			return p, nil
		case []any:
			idx, err := existingIndex(last, len(p))
			if err != nil {
				return nil, err
			}
			removed = p[idx]
			return slices.Delete(p, idx, idx+1), nil
		default:
			return nil, notContainer(parent)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return out, removed, nil
}

func replace(doc any, tokens []string, value any) (any, error) {
	if len(tokens) == 0 {
		return value, nil
	}
	return modify(doc, tokens, 0, func(parent any, last string) (any, error) {
		switch p := parent.(type) {
		case map[string]any:
			if _, ok := p[last]; !ok {
				return nil, ErrPathNotFound
			}
			p[last] = value
			return p, nil
		case []any:
			idx, err := existingIndex(last, len(p))
			if err != nil {
				return nil, err
			}
			p[idx] = value
			return p, nil
		default:
			return nil, notContainer(parent)
		}
	})
}

func test(doc any, tokens []string, value any) error {
	got, err := get(doc, tokens)
	if err != nil {
		return err
	}
	if !equal(got, value) {
		return ErrTestFailed
	}
	return nil
}

func move(doc any, from string, fromTokens, tokens []string) (any, error) {
	if slices.Equal(fromTokens, tokens) {
		// Moving a value onto itself is a no-op, but from must still exist.
		if _, err := get(doc, fromTokens); err != nil {
			return nil, fmt.Errorf("from %s: %w", from, err)
		}
		return doc, nil
	}
	if isPrefix(fromTokens, tokens) {
		return nil, fmt.Errorf("%w: from %s", ErrMoveIntoChild, from)
	}
	// Removing first matters: array indexes in path refer to the document
	// after the removal (RFC 6902 section 4.4).
	doc, value, err := remove(doc, fromTokens)
	if err != nil {
		return nil, fmt.Errorf("from %s: %w", from, err)
	}
	return add(doc, tokens, value)
}

func copyValue(doc any, from string, fromTokens, tokens []string) (any, error) {
	value, err := get(doc, fromTokens)
	if err != nil {
		return nil, fmt.Errorf("from %s: %w", from, err)
	}
	// The copy must not share containers with the original, or later
	// operations on one location would show up at the other.
	return add(doc, tokens, DeepCopy(value))
}

// isPrefix reports whether prefix is a proper prefix of tokens.
func isPrefix(prefix, tokens []string) bool {
	return len(prefix) < len(tokens) && slices.Equal(prefix, tokens[:len(prefix)])
}

// get returns the value at tokens.
func get(doc any, tokens []string) (any, error) {
	cur := doc
	for i, tok := range tokens {
		next, _, err := child(cur, tok)
		if err != nil {
			return nil, locate(err, tokens, i)
		}
		cur = next
	}
	return cur, nil
}

// modify walks to the container holding the last token and lets fn edit it.
// Each container on the way is stored back into its parent because fn may
// return a different slice header (insert, delete) or a new map (nil map).
func modify(node any, tokens []string, i int, fn func(parent any, last string) (any, error)) (any, error) {
	if i == len(tokens)-1 {
		return fn(node, tokens[i])
	}
	next, idx, err := child(node, tokens[i])
	if err != nil {
		return nil, locate(err, tokens, i)
	}
	next, err = modify(next, tokens, i+1, fn)
	if err != nil {
		return nil, err
	}
	switch p := node.(type) {
	case map[string]any:
		p[tokens[i]] = next
	case []any:
		p[idx] = next
	}
	return node, nil
}

// child returns the member of node named by tok and, for arrays, its index.
func child(node any, tok string) (any, int, error) {
	switch n := node.(type) {
	case map[string]any:
		v, ok := n[tok]
		if !ok {
			return nil, 0, ErrPathNotFound
		}
		return v, 0, nil
	case []any:
		idx, err := existingIndex(tok, len(n))
		if err != nil {
			return nil, 0, err
		}
		return n[idx], idx, nil
	default:
		return nil, 0, notContainer(node)
	}
}

// locate adds the failing location to err when it is not the whole pointer,
// which the caller reports anyway.
func locate(err error, tokens []string, i int) error {
	if i == len(tokens)-1 {
		return err
	}
	return fmt.Errorf("%s: %w", formatPointer(tokens[:i+1]), err)
}

func notContainer(v any) error {
	return fmt.Errorf("%w: parent is %s", ErrNotContainer, kindOf(v))
}

// existingIndex parses tok as the index of an existing element of an array
// of length n.
func existingIndex(tok string, n int) (int, error) {
	if tok == "-" {
		// "-" names the nonexistent element after the last one.
		return 0, fmt.Errorf(`%w: "-" (length %d)`, ErrIndexOutOfRange, n)
	}
	idx, err := parseIndex(tok)
	if err != nil {
		return 0, err
	}
	if idx >= n {
		return 0, fmt.Errorf("%w: %d (length %d)", ErrIndexOutOfRange, idx, n)
	}
	return idx, nil
}

// parseIndex parses an RFC 6901 array index: "0" or digits without a
// leading zero.
func parseIndex(tok string) (int, error) {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') {
		return 0, fmt.Errorf("%w: %q", ErrInvalidIndex, tok)
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return 0, fmt.Errorf("%w: %q", ErrInvalidIndex, tok)
		}
	}
	idx, err := strconv.Atoi(tok)
	if err != nil {
		// Only overflow is left; such an index cannot exist.
		return 0, fmt.Errorf("%w: %s", ErrIndexOutOfRange, tok)
	}
	return idx, nil
}

// pointerUnescaper decodes reference tokens in one left-to-right pass, so
// "~01" becomes "~1" and not "/" (RFC 6901 section 4).
var pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// parsePointer splits an RFC 6901 JSON pointer into unescaped reference
// tokens. The empty pointer (the whole document) has no tokens.
func parsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, fmt.Errorf("%w: %q must be empty or start with \"/\"", ErrInvalidPointer, p)
	}
	tokens := strings.Split(p[1:], "/")
	for i, tok := range tokens {
		for j := 0; j < len(tok); j++ {
			if tok[j] == '~' && (j+1 == len(tok) || (tok[j+1] != '0' && tok[j+1] != '1')) {
				return nil, fmt.Errorf("%w: %q has a \"~\" not followed by 0 or 1", ErrInvalidPointer, p)
			}
		}
		tokens[i] = pointerUnescaper.Replace(tok)
	}
	return tokens, nil
}

func formatPointer(tokens []string) string {
	var b strings.Builder
	for _, tok := range tokens {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(tok))
	}
	return b.String()
}

// kindOf names the JSON kind of v for error messages.
func kindOf(v any) string {
	if v == nil {
		return "null"
	}
	if _, ok := number(v); ok {
		return "a number"
	}
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return fmt.Sprintf("an unsupported %T", v)
	}
}

// DeepCopy returns a deep copy of a document. Maps and slices are copied
// recursively; other values are returned as they are.
func DeepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if t == nil {
			return t
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = DeepCopy(e)
		}
		return out
	case []any:
		if t == nil {
			return t
		}
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = DeepCopy(e)
		}
		return out
	default:
		return v
	}
}

// equal reports whether two documents are equal as JSON values: numbers
// compare by value whatever their Go type (1 == 1.0), objects by their
// members regardless of order, arrays element by element.
func equal(a, b any) bool {
	if an, ok := number(a); ok {
		bn, ok := number(b)
		// A nil value means NaN, which equals nothing.
		return ok && an != nil && bn != nil && an.Cmp(bn) == 0
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equal(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(a, b)
	}
}

// number converts any Go numeric value to an exact big.Float so that int64
// and float64 compare without rounding. It reports false for non-numbers and
// returns a nil value for NaN, which big.Float cannot hold.
func number(v any) (*big.Float, bool) {
	f := new(big.Float)
	switch n := v.(type) {
	case int:
		f.SetInt64(int64(n))
	case int8:
		f.SetInt64(int64(n))
	case int16:
		f.SetInt64(int64(n))
	case int32:
		f.SetInt64(int64(n))
	case int64:
		f.SetInt64(n)
	case uint:
		f.SetUint64(uint64(n))
	case uint8:
		f.SetUint64(uint64(n))
	case uint16:
		f.SetUint64(uint64(n))
	case uint32:
		f.SetUint64(uint64(n))
	case uint64:
		f.SetUint64(n)
	case float32:
		if math.IsNaN(float64(n)) {
			return nil, true
		}
		f.SetFloat64(float64(n))
	case float64:
		if math.IsNaN(n) {
			return nil, true
		}
		f.SetFloat64(n)
	default:
		return nil, false
	}
	return f, true
}
