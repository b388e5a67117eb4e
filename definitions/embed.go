// Package definitions holds oamc's standard library of CUE definitions, embedded in the binary.
package definitions

import "embed"

// FS holds the standard library: components/*.cue and traits/*.cue.
//
//go:embed components traits
var FS embed.FS
