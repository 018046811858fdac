package ipc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// PreambleLead is the first byte of every request preamble.
const PreambleLead = 'N'

// DefaultMaxFrameSize is the largest payload accepted unless configured
// otherwise (32 MiB). The C++ node has no limit; see docs/PROTOCOL.md.
const DefaultMaxFrameSize = 32 << 20

// Encoding is the payload encoding named by a request's second preamble byte.
type Encoding byte

// The encodings of the Nano node's IPC, and nipc's access-check opener.
const (
	EncodingJSON            Encoding = 1    // legacy JSON RPC (json_v1)
	EncodingJSONUnsafe      Encoding = 2    // legacy JSON RPC, unsafe actions allowed (json_v1_unsafe)
	EncodingFlatbuffers     Encoding = 3    // binary FlatBuffers Envelope
	EncodingFlatbuffersJSON Encoding = 4    // Envelope as JSON text
	EncodingAccessCheck     Encoding = 0x80 // nipc: shared-secret access check handshake
)

// String returns the encoding's name as the node's source spells it.
func (e Encoding) String() string {
	switch e {
	case EncodingJSON:
		return "json_v1"
	case EncodingJSONUnsafe:
		return "json_v1_unsafe"
	case EncodingFlatbuffers:
		return "flatbuffers"
	case EncodingFlatbuffersJSON:
		return "flatbuffers_json"
	case EncodingAccessCheck:
		return "access_check"
	}
	return fmt.Sprintf("encoding(%d)", byte(e))
}

// Legacy reports whether e is one of the legacy JSON RPC encodings (1 or 2).
func (e Encoding) Legacy() bool { return e == EncodingJSON || e == EncodingJSONUnsafe }

// Framing errors. Each means the byte stream can no longer be trusted: the
// connection is closed without a reply.
var (
	ErrBadPreamble         = errors.New("ipc: invalid preamble")
	ErrUnsupportedEncoding = errors.New("ipc: unsupported payload encoding")
	ErrEmptyFrame          = errors.New("ipc: zero-length frame")
)

// FrameTooLargeError reports a declared length above the reader's maximum.
// Nothing was allocated for it.
type FrameTooLargeError struct {
	Length uint32 // the length the peer declared
	Max    uint32 // the limit in force
}

func (e *FrameTooLargeError) Error() string {
	return fmt.Sprintf("ipc: frame of %d bytes exceeds the maximum of %d", e.Length, e.Max)
}

// Preamble returns the four preamble bytes for a request in encoding e.
func Preamble(e Encoding) [4]byte { return [4]byte{PreambleLead, byte(e), 0, 0} }

// ParsePreamble checks a request preamble and returns its encoding.
// A bad lead or reserved byte gives ErrBadPreamble; an encoding other than
// 1–4 or the access-check opener gives ErrUnsupportedEncoding.
func ParsePreamble(p [4]byte) (Encoding, error) {
	if p[0] != PreambleLead || p[2] != 0 || p[3] != 0 {
		return 0, ErrBadPreamble
	}
	switch e := Encoding(p[1]); e {
	case EncodingJSON, EncodingJSONUnsafe, EncodingFlatbuffers, EncodingFlatbuffersJSON, EncodingAccessCheck:
		return e, nil
	}
	return 0, ErrUnsupportedEncoding
}

// ReadPreamble reads and checks one request preamble.
func ReadPreamble(r io.Reader) (Encoding, error) {
	var p [4]byte
	if _, err := io.ReadFull(r, p[:]); err != nil {
		return 0, err
	}
	return ParsePreamble(p)
}

// ReadFrame reads a be32 length and that many payload bytes. The payload is
// read into buf when it fits (buf[:n] is returned). Otherwise the buffer
// grows as the payload arrives: it starts at min(n, [FrameChunk]) bytes (or
// buf, when that is larger) and, each time the bytes already read fill it,
// doubles, or takes the whole n once a sixteenth of the frame has arrived.
// So a peer that declares n bytes and sends fewer costs at most about 16
// times what it sent (at least FrameChunk), not n, while a whole frame
// costs less than 1.25 n in all (the growth before the last step is under
// n/4). A length of zero gives ErrEmptyFrame and a length above max a
// *FrameTooLargeError, both before anything is allocated. A stream that ends
// inside the frame gives io.ErrUnexpectedEOF.
func ReadFrame(r io.Reader, max uint32, buf []byte) ([]byte, error) {
	return readFrame(r, max, buf, FrameChunk, nil)
}

// ReadFrameCharged is ReadFrame that calls grow before each allocation for
// the payload (see [GrowFunc]), so that a caller can charge a memory budget
// for what the peer has actually sent rather than for what it declared.
// An error from grow ends the read with that error, before the allocation.
func ReadFrameCharged(r io.Reader, max uint32, buf []byte, grow GrowFunc) ([]byte, error) {
	return readFrame(r, max, buf, FrameChunk, grow)
}

// GrowFunc is told, before a reader allocates room for a payload, by how
// many bytes the payload's buffer grows: the new buffer's capacity less
// that of the one it replaces (the caller's buf, at first). The calls for
// one payload therefore add up to the capacity of the buffer returned less
// cap(buf), never more than the payload's length: buf itself is the
// caller's to account for, and a payload that fits in buf calls nothing.
// The old buffer becomes garbage at each step (at most a quarter of the
// length in all, see ReadFrame); it is not counted. If the func returns an
// error, nothing is allocated and the reader returns that error as is; how
// much of the stream it consumed is then unknown to the caller unless it
// counts the reads itself.
type GrowFunc func(grow int) error

// FrameChunk is the most ReadFrame allocates for a payload before any of it
// has arrived (64 KiB).
const FrameChunk = 64 << 10

// readFrame is ReadFrameCharged with the first chunk's size as a
// parameter, so that tests can make a small frame grow; grow may be nil.
func readFrame(r io.Reader, max uint32, buf []byte, chunk int, grow GrowFunc) ([]byte, error) {
	var l [4]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(l[:])
	switch {
	case n == 0:
		return nil, ErrEmptyFrame
	case n > max:
		return nil, &FrameTooLargeError{Length: n, Max: max}
	}
	return readPayload(r, int(n), buf, chunk, grow)
}

// ReadPayload reads exactly n bytes of a payload whose length was declared
// before it (an IPC frame, an HTTP body with a Content-Length) into buf,
// growing it as the bytes arrive as ReadFrame does: what a peer declares
// and never sends costs at most about 16 times what it sent (at least
// FrameChunk), not n. A stream
// that ends early gives io.ErrUnexpectedEOF; other read errors (a
// deadline) are returned as they are.
func ReadPayload(r io.Reader, n int, buf []byte) ([]byte, error) {
	return readPayload(r, n, buf, FrameChunk, nil)
}

// ReadPayloadCharged is ReadPayload that calls grow before each allocation,
// as ReadFrameCharged does.
func ReadPayloadCharged(r io.Reader, n int, buf []byte, grow GrowFunc) ([]byte, error) {
	return readPayload(r, n, buf, FrameChunk, grow)
}

func readPayload(r io.Reader, n int, buf []byte, chunk int, grow GrowFunc) ([]byte, error) {
	if cap(buf) >= n {
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, unexpectedEOF(err)
		}
		return buf, nil
	}
	return readGrowing(r, n, buf[:0], chunk, grow)
}

// readGrowing reads n bytes into buf (len 0, cap < n), starting with at
// least min(n, chunk) bytes of room and growing as described at ReadFrame,
// telling grow (if not nil) before each allocation.
func readGrowing(r io.Reader, n int, buf []byte, chunk int, grow GrowFunc) ([]byte, error) {
	if first := min(n, chunk); cap(buf) < first {
		if grow != nil {
			if err := grow(first - cap(buf)); err != nil {
				return nil, err
			}
		}
		buf = make([]byte, 0, first)
	}
	for len(buf) < n {
		if len(buf) == cap(buf) {
			next := 2 * cap(buf)
			if len(buf) >= n/16 {
				next = n // enough has arrived: room for the rest at once
			}
			next = min(n, next)
			if grow != nil {
				if err := grow(next - cap(buf)); err != nil {
					return nil, err
				}
			}
			grown := make([]byte, len(buf), next)
			copy(grown, buf)
			buf = grown
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err != nil && len(buf) < n {
			return nil, unexpectedEOF(err)
		}
	}
	return buf, nil
}

// AppendRequest appends a whole request (preamble, length, payload) to dst.
func AppendRequest(dst []byte, e Encoding, payload []byte) []byte {
	dst = append(dst, PreambleLead, byte(e), 0, 0)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(payload)))
	return append(dst, payload...)
}

// AppendFrame appends a response frame (length, payload) to dst.
func AppendFrame(dst []byte, payload []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(payload)))
	return append(dst, payload...)
}

// FrameHeaderSize is the size of the length that precedes every payload.
const FrameHeaderSize = 4

// StartFrame appends a placeholder length to dst, so that a payload can be
// rendered straight after it; FinishFrame fills the length in. Together they
// let a reply go out as one write without copying the payload.
func StartFrame(dst []byte) []byte { return append(dst, 0, 0, 0, 0) }

// FinishFrame writes the length of frame[start+4:] into frame[start:start+4],
// where start is len(dst) as it was before StartFrame.
func FinishFrame(frame []byte, start int) []byte {
	binary.BigEndian.PutUint32(frame[start:], uint32(len(frame)-start-FrameHeaderSize))
	return frame
}
