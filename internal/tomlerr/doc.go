// Package tomlerr is what nipc's two strict TOML readers (the access file,
// package authz, and the configuration files, package config) share about
// reporting a problem: where it is, how its line reads, and which known name
// the user probably meant.
//
// Positions. A Pos is a 1-based line and column, the column counting bytes
// as go-toml's DecodeError.Position does; the zero Pos means "no position".
// Lines indexes a document's line starts once, so that the position of any
// byte offset (At) or parsed node (Node) costs a binary search.
//
// Messages. Format writes one line, "source:line:column: problem", leaving
// out line and column when the problem has no position and "source: " when
// there is no source. The callers' error types (authz.Error, config.Error)
// keep their own fields and render through Format.
//
// Suggestions. Closest picks the candidate within an edit distance of 2 of
// a misspelt name (case ignored, and never further than the name is long);
// DidYouMean turns it into " (did you mean …?)", or "" when there is none.
// BareValueHint does the same for a syntax error at an unquoted value
// (enable_control = yes: true; address = 127.0.0.1: "127.0.0.1").
package tomlerr
