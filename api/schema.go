package api

import _ "embed"

// Schema is the text of nanoapi.fbs, for tools that want it (flatc, other
// languages' code generators, documentation).
//
//go:embed nanoapi.fbs
var Schema string
