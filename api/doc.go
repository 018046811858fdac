// Package api is nipc's IPC v2 schema: the FlatBuffers schema nanoapi.fbs
// (wire-compatible with the Nano node's, plus appended messages), the
// message registry, the permission catalog, the wire error type, and the
// safe binary codec for untrusted buffers.
//
// # Schema
//
// nanoapi.fbs is the source of truth. The node's union members keep ids
// 0-13; nipc appends AccountBalance (14) through Reload (29) and never
// reorders. Package api/fb is flatc's Go code for it (regenerate with
// `go generate ./api`; `api/gen.sh` checks it), and api/fbjson is the JSON
// form (encoding 4 and /api/v2). The file is also embedded as Schema.
//
// # Registry and permissions
//
// LookupMessage / LookupMessageName / Messages give, per union member, its
// name, id, Kind (request, reply, event), the permissions that allow it (any
// one of them, or "unrestricted"), and its reply type. IsAlive needs no
// permission; replies and events are never accepted as requests. Permissions
// is the catalog: the node's 13 names and nipc's api_account_balance,
// api_account_info, api_account_history, api_block_info, api_block_count,
// api_representatives, api_receivable, api_version and api_reload.
//
// # Errors
//
// *Error{Code, Message} is every failure that crosses the wire; the codes are
// the node's error_common numbers (CodeGeneric 1, CodeAccessDenied 3,
// CodeBadAccountNumber 7, ...). ErrVerify, ErrUnknownMessageType,
// ErrInvalidMessage and ErrAccessDenied carry the node's exact texts.
// ErrorEnvelope builds the reply for any error without leaking internal
// error texts.
//
// # Binary codec
//
// The Go flatbuffers runtime has no verifier, so Verify is one, written for
// this schema from the C++ Verifier's rules (bounds and alignment of every
// offset, vtable, scalar, string and vector; required fields; depth 64 and
// 1,000,000 tables). Decode = Verify + unpack under recover: it never panics
// on any input. Decoding is bounded (issue 11): the verifier adds up what
// the Go objects would take, and Decode refuses with ErrVerify a buffer
// past DecodeLimit (DecodeFactor 1.5 times its length plus DecodeSlack,
// 64 KiB), before unpacking anything; DecodeWithin takes the limit.
// OpenWithin verifies the same way and gives the envelope's Header
// (message type, credentials, correlation id) before the message is
// unpacked (Opened.Envelope), so a request can be authorized first; a
// buffer of up to 64 KiB is unpacked at once. Encode writes an *fb.EnvelopeT the way the node's C++ object
// API does (empty optional strings omitted), which fb's generated Pack does
// not; use Encode, not Pack. AppendEncode appends the same bytes to a
// caller's buffer (one copy out of a pooled builder). Build unions with
// MessageOf or NewEnvelope.
//
// Limits: buffers of 2^31-1 bytes or more are rejected (flatbuffers'
// maximum). All functions are safe for concurrent use; none retains its
// input.
package api
