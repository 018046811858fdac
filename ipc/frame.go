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
// read into buf when it fits (buf[:n] is returned) and into a new slice
// otherwise. A length of zero gives ErrEmptyFrame and a length above max a
// *FrameTooLargeError, both before anything is allocated. A stream that ends
// inside the frame gives io.ErrUnexpectedEOF.
func ReadFrame(r io.Reader, max uint32, buf []byte) ([]byte, error) {
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
	if uint32(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
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
