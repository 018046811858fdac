// Package fbjson is the JSON form of nipc's IPC v2 Envelope (encoding 4 and
// the HTTP /api/v2 gateway): a schema-driven codec between JSON text and the
// binary FlatBuffers of api/nanoapi.fbs that behaves like the flatbuffers
// v23.3.3 IDL parser and text generator the Nano node uses.
//
// Parse turns JSON into a finished binary Envelope (unbounded; see Scan). It accepts what the node's parser accepts with strict_json:
// quoted keys; single-quoted strings; // and /* */ comments; union types by
// name, by number or as quoted numbers, before the union value or as the
// very next key after it; quoted numbers and bools, integers for bools;
// enum names (space-separated names are OR-ed, as flatbuffers does);
// "$schema" keys (ignored); null for a non-scalar field (absent); a table
// given as an array of all its fields in order; unknown fields, skipped
// with their values unless Options.RejectUnknownFields. Everything else is a
// *ParseError with flatbuffers' exact text and position ("L: C: error:
// msg"; see ParseError for the column rule); APIError gives the node's reply
// text "Invalid message format: ..." and ErrorLine / ErrorReply the one-line
// reply. Values are converted and range-checked when their table is closed,
// as flatbuffers does, so such errors point after the table.
//
// Scan is Parse bounded and in two steps (issue 11), giving the Go objects
// (*fb.EnvelopeT) straight from the text, with no FlatBuffer in between
// (parse once): it fails with Parse's *ParseError, or with api.ErrVerify
// when the FlatBuffer would take more than BuildFactor (1.25) times the
// text plus api.DecodeSlack (64 KiB) to build or its Go objects more than
// api.DecodeLimit of the text (the node's reply to a buffer its verifier
// refuses), exactly as if the FlatBuffer had been built and decoded with
// api.DecodeWithin; the objects are those api.Decode would give (absent
// scalars at their defaults, absent vectors empty, a bool true for any
// non-zero byte, a root union type without a value as a Message with a nil
// Value), which a differential fuzz target (FuzzScanObjects) checks. A
// text of up to 64 KiB is parsed and built in one pass; a larger one is
// scanned, building nothing, and the returned Request gives its Header
// (type, credentials, correlation id) and CredentialsSpan (where the
// credentials token is) before Envelope builds its objects by parsing it
// again. ParseEnvelope is Scan then Envelope.
//
// Render prints a binary Envelope the way GenerateText does (pretty, 2-space
// indent, schema order, defaults omitted, ASCII-only with \uXXXX escapes);
// RenderEnvelope renders an *fb.EnvelopeT via api.Encode.
// AppendEnvelopeText renders an *fb.EnvelopeT to the same text straight
// from its Go objects (api.ObjectPlan), printing what api.Encode would
// write, without building the FlatBuffer: the v2 handlers' JSON replies
// take this path (a differential fuzz target keeps it byte-identical).
//
// Limits, and where nipc differs from the node's parser:
//   - Nesting deeper than 64 values fails with "maximum parsing depth 65
//     reached", as in the node.
//   - The node hands a body that does not start with '{' to its schema
//     parser, so IDL statements in a request body (table, root_type, ...)
//     are interpreted; nipc never interprets them and answers every
//     non-object with "declaration expected".
//   - A NUL byte ends the input (the node parses a C string); bytes after
//     it are ignored.
//   - ErrorLine escapes its text; the node does not.
//   - Floating-point and the rarer 16/32-bit integer types are not in the
//     schema and are not supported; neither are flexbuffer, nested_flatbuffer
//     or hash fields.
//
// The package description of the schema lives in api/internal/schema and
// is checked against nanoapi.fbs by a test; flatc serves as the oracle in
// this package's tests. All functions are safe for concurrent use.
package fbjson
