// Package fb is the Go code flatc generates for api/nanoapi.fbs (flatbuffers
// namespace nanoapi): accessors for reading buffers, builder functions and
// the object API (the *T types, Pack and UnPack).
//
// nanoapi_generated.go is flatc 2.0.8 output (--go --gen-object-api
// --gen-onefile --go-namespace fb), gofmt'd and committed; do not edit it.
// Regenerate with `go generate ./api`; api/gen.sh checks it is current.
//
// Limits: the generated readers trust the buffer. They index it without
// bounds checks and panic on a malformed one, so never call GetRootAsEnvelope
// or UnPack on untrusted bytes: use api.Decode, which verifies first. The
// generated Pack writes empty strings where the node omits them and panics
// when a union's Type and Value disagree; nipc encodes with api.Encode.
package fb
