// Package ipc is the wire layer of the Nano node's IPC port: the request
// preamble, the big-endian length framing shared by all four encodings, and
// the limits that keep a peer from making us allocate what it merely declares.
//
// A request is a 4-byte preamble followed by a frame:
//
//	'N' (0x4E) | encoding | 0x00 | 0x00 | be32 length | length bytes of payload
//
// A response or a pushed event is a frame alone: be32 length, then payload.
// The encodings are 1 (legacy JSON RPC), 2 (legacy JSON RPC, unsafe actions
// allowed where the transport permits), 3 (FlatBuffers Envelope) and
// 4 (the Envelope as JSON text). The preamble 'N' 0x80 0 0 opens nipc's
// shared-secret access check instead of a request.
//
// Everything here works on io.Reader and io.Writer and starts no goroutines.
// Readers check a declared length against the caller's maximum before
// allocating anything for it, and then grow the payload's buffer as its bytes
// arrive (from 64 KiB, doubling), so that a declared length costs nothing
// until the peer sends it; a zero length is a protocol error, as it is for
// the node. ReadFrameCharged and ReadPayloadCharged also tell the caller,
// through a GrowFunc, before each of those allocations, so that it can
// charge a memory budget for what arrives and refuse to grow past it. Errors are either framing errors (ErrBadPreamble,
// ErrUnsupportedEncoding, ErrEmptyFrame, *FrameTooLargeError: the stream is
// unusable and the connection must be closed) or the reader's own I/O error.
// The byte-level description with every deviation from the C++ node is in
// docs/PROTOCOL.md.
package ipc
