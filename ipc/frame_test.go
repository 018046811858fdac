package ipc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestParsePreamble(t *testing.T) {
	tests := []struct {
		name string
		in   [4]byte
		want Encoding
		err  error
	}{
		{"json", [4]byte{'N', 1, 0, 0}, EncodingJSON, nil},
		{"json unsafe", [4]byte{'N', 2, 0, 0}, EncodingJSONUnsafe, nil},
		{"flatbuffers", [4]byte{'N', 3, 0, 0}, EncodingFlatbuffers, nil},
		{"flatbuffers json", [4]byte{'N', 4, 0, 0}, EncodingFlatbuffersJSON, nil},
		{"access check", [4]byte{'N', 0x80, 0, 0}, EncodingAccessCheck, nil},
		{"bad lead", [4]byte{'X', 1, 0, 0}, 0, ErrBadPreamble},
		{"reserved byte 2", [4]byte{'N', 1, 1, 0}, 0, ErrBadPreamble},
		{"reserved byte 3", [4]byte{'N', 1, 0, 7}, 0, ErrBadPreamble},
		{"encoding 0", [4]byte{'N', 0, 0, 0}, 0, ErrUnsupportedEncoding},
		{"encoding 5", [4]byte{'N', 5, 0, 0}, 0, ErrUnsupportedEncoding},
		{"encoding 255", [4]byte{'N', 255, 0, 0}, 0, ErrUnsupportedEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePreamble(tt.in)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("ParsePreamble(% x) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestReadFrame(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		max     uint32
		want    string
		wantErr func(error) bool
	}{
		{"ok", []byte("\x00\x00\x00\x05hello"), 100, "hello", nil},
		{"exactly max", []byte("\x00\x00\x00\x05hello"), 5, "hello", nil},
		{"zero length", []byte("\x00\x00\x00\x00"), 100, "", func(e error) bool { return errors.Is(e, ErrEmptyFrame) }},
		{"too large", []byte("\xff\xff\xff\xff"), 1 << 20, "", func(e error) bool {
			var fe *FrameTooLargeError
			return errors.As(e, &fe) && fe.Length == 0xffffffff && fe.Max == 1<<20
		}},
		{"short payload", []byte("\x00\x00\x00\x05hel"), 100, "", func(e error) bool { return errors.Is(e, io.ErrUnexpectedEOF) }},
		{"short length", []byte("\x00\x00"), 100, "", func(e error) bool { return errors.Is(e, io.ErrUnexpectedEOF) }},
		{"nothing", nil, 100, "", func(e error) bool { return errors.Is(e, io.EOF) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time exercises every partial read.
			got, err := ReadFrame(iotest.OneByteReader(bytes.NewReader(tt.in)), tt.max, nil)
			if tt.wantErr != nil {
				if err == nil || !tt.wantErr(err) {
					t.Fatalf("err = %v, want a matching error", err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestReadFrameReusesBuffer(t *testing.T) {
	buf := make([]byte, 0, 16)
	got, err := ReadFrame(bytes.NewReader([]byte("\x00\x00\x00\x03abc")), 100, buf)
	if err != nil || string(got) != "abc" || &got[0] != &buf[:1][0] {
		t.Fatalf("ReadFrame did not read into the given buffer: %q %v", got, err)
	}
}

func TestAppendRequestRoundTrip(t *testing.T) {
	req := AppendRequest(nil, EncodingJSON, []byte(`{"action": "block_count"}`))
	want := append([]byte{0x4E, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x19}, `{"action": "block_count"}`...)
	if !bytes.Equal(req, want) {
		t.Fatalf("AppendRequest = % x, want the spec's vector % x", req, want)
	}
	r := bytes.NewReader(req)
	enc, err := ReadPreamble(r)
	if err != nil || enc != EncodingJSON {
		t.Fatalf("ReadPreamble = %v, %v", enc, err)
	}
	p, err := ReadFrame(r, DefaultMaxFrameSize, nil)
	if err != nil || string(p) != `{"action": "block_count"}` {
		t.Fatalf("ReadFrame = %q, %v", p, err)
	}
}

func TestStartFinishFrame(t *testing.T) {
	dst := []byte("prefix")
	start := len(dst)
	dst = StartFrame(dst)
	dst = append(dst, "body!"...)
	dst = FinishFrame(dst, start)
	if want := "prefix\x00\x00\x00\x05body!"; string(dst) != want {
		t.Fatalf("got %q, want %q", dst, want)
	}
	if !bytes.Equal(AppendFrame(nil, []byte("body!")), dst[start:]) {
		t.Fatal("AppendFrame and StartFrame/FinishFrame disagree")
	}
}

func TestEncodingString(t *testing.T) {
	for e, want := range map[Encoding]string{1: "json_v1", 2: "json_v1_unsafe", 3: "flatbuffers", 4: "flatbuffers_json", 0x80: "access_check", 9: "encoding(9)"} {
		if e.String() != want {
			t.Errorf("%d.String() = %q, want %q", byte(e), e.String(), want)
		}
	}
}

// FuzzReadFrame feeds arbitrary bytes, whole and split in two, to the
// preamble and frame readers: they must never panic, never return more than
// the limit, and agree between the whole and the split input.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte("N\x01\x00\x00\x00\x00\x00\x19{\"action\": \"block_count\"}"), uint8(3))
	f.Add([]byte("N\x04\x00\x00\xff\xff\xff\xff"), uint8(1))
	f.Add([]byte("N\x03\x00\x00\x00\x00\x00\x00"), uint8(6))
	f.Add([]byte("N\x01\x00\x00\x02\x00\x00\x00\x7b"), uint8(5))
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		const max = 1 << 16
		read := func(r io.Reader) (Encoding, []byte, error) {
			e, err := ReadPreamble(r)
			if err != nil {
				return 0, nil, err
			}
			p, err := ReadFrame(r, max, nil)
			return e, p, err
		}
		e1, p1, err1 := read(bytes.NewReader(in))
		split := int(cut)
		if split > len(in) {
			split = len(in)
		}
		e2, p2, err2 := read(io.MultiReader(bytes.NewReader(in[:split]), iotest.HalfReader(bytes.NewReader(in[split:]))))
		if len(p1) > max {
			t.Fatalf("payload of %d bytes exceeds the limit", len(p1))
		}
		if e1 != e2 || !bytes.Equal(p1, p2) || (err1 == nil) != (err2 == nil) {
			t.Fatalf("whole and split reads disagree: %v %q %v / %v %q %v", e1, p1, err1, e2, p2, err2)
		}
		// The growing buffer, from a chunk of 1..8 bytes, reads the same,
		// and what it tells grow adds up to the buffer it returns.
		if _, err := ReadPreamble(bytes.NewReader(in)); err == nil {
			charged := 0
			p3, err3 := readFrame(iotest.OneByteReader(bytes.NewReader(in[4:])), max, nil, 1+int(cut%8), func(n int) error {
				if n <= 0 {
					t.Fatalf("grow(%d)", n)
				}
				charged += n
				return nil
			})
			if !bytes.Equal(p1, p3) || (err1 == nil) != (err3 == nil) {
				t.Fatalf("growing read disagrees: %q %v / %q %v", p1, err1, p3, err3)
			}
			if err3 == nil && charged != cap(p3) {
				t.Fatalf("charged %d bytes for a buffer of %d", charged, cap(p3))
			}
			if len(in) >= 8 && charged > int(binary.BigEndian.Uint32(in[4:8])) {
				t.Fatalf("charged %d bytes, more than the declared length", charged)
			}
		}
	})
}
