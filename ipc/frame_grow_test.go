package ipc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"
	"testing/iotest"
)

// frameOf returns a frame that declares n bytes and carries the first sent
// of them.
func frameOf(n uint32, sent int) []byte {
	b := binary.BigEndian.AppendUint32(nil, n)
	for i := range sent {
		b = append(b, byte(i*7))
	}
	return b
}

// allocated returns the bytes f allocated on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestReadFrameGrowsAsBytesArrive: a declared length costs what arrives,
// not what is declared; a whole frame still reads exactly.
func TestReadFrameGrowsAsBytesArrive(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	tests := []struct {
		name     string
		declared uint32
		sent     int
		maxAlloc uint64 // bytes ReadFrame may allocate
	}{
		{"declared 32 MiB, sent 1 byte", 32 * MiB, 1, FrameChunk + 4*KiB},
		{"declared 32 MiB, sent 100 KiB", 32 * MiB, 100 * KiB, 3*FrameChunk + 4*KiB},
		{"declared 32 MiB, sent 1 MiB + 1", 32 * MiB, MiB + 1, 4*MiB + 4*KiB},
		{"declared 32 MiB, sent nothing", 32 * MiB, 0, FrameChunk + 4*KiB},
		{"small, exact", 100, 100, 100 + 4*KiB},
		{"one chunk, exact", FrameChunk, FrameChunk, FrameChunk + 4*KiB},
		{"one chunk + 1, exact", FrameChunk + 1, FrameChunk + 1, 3*FrameChunk + 4*KiB},
		{"1 MiB, exact", MiB, MiB, 2*MiB + 4*KiB},
		{"3 MiB - 1, exact", 3*MiB - 1, 3*MiB - 1, (3*MiB-1)*5/4 + 4*KiB}, // 64..256 KiB, then 3 MiB - 1
		{"31 MiB, exact", 31 * MiB, 31 * MiB, 31*MiB*5/4 + 4*KiB},         // 64 KiB..2 MiB, then 31 MiB
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := frameOf(tt.declared, tt.sent)
			var got []byte
			var err error
			n := allocated(func() {
				got, err = ReadFrame(iotest.HalfReader(bytes.NewReader(in)), 32*MiB, nil)
			})
			if n > tt.maxAlloc {
				t.Errorf("allocated %d bytes, want at most %d", n, tt.maxAlloc)
			}
			if tt.sent < int(tt.declared) {
				if !errors.Is(err, io.ErrUnexpectedEOF) || got != nil {
					t.Fatalf("got %d bytes, %v; want io.ErrUnexpectedEOF", len(got), err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, in[4:]) {
				t.Fatalf("got %d bytes (equal %v), %v; want the %d bytes sent", len(got), bytes.Equal(got, in[4:]), err, tt.sent)
			}
		})
	}
}

// TestReadFrameGrowsFromBuf: a given buffer too small for the frame is
// the first chunk when it is larger than one.
func TestReadFrameGrowsFromBuf(t *testing.T) {
	buf := make([]byte, 0, 2*FrameChunk)
	in := frameOf(3*FrameChunk, 3*FrameChunk)
	got, err := ReadFrame(bytes.NewReader(in), DefaultMaxFrameSize, buf)
	if err != nil || !bytes.Equal(got, in[4:]) {
		t.Fatalf("got %d bytes, %v", len(got), err)
	}
	if cap(got) != 3*FrameChunk {
		t.Errorf("cap = %d, want %d (2 chunks, doubled, capped at the length)", cap(got), 3*FrameChunk)
	}
}

// TestReadFrameReadError: an I/O error inside a frame is returned as is.
func TestReadFrameReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(frameOf(1<<20, 10)), iotest.ErrReader(boom))
	if _, err := ReadFrame(r, DefaultMaxFrameSize, nil); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
}

// TestReadChargedTellsGrow: the charged readers tell grow, before each
// allocation, by how much the payload's buffer grows: the calls add up to
// the buffer returned less the caller's buf, and a staller's to one chunk.
func TestReadChargedTellsGrow(t *testing.T) {
	const MiB = 1 << 20
	tests := []struct {
		name     string
		declared uint32
		sent     int
		bufCap   int
		want     []int // the grow calls, in order
	}{
		{"fits in buf: nothing", 100, 100, 4096, nil},
		{"small, no buf: one call", 100, 100, 0, []int{100}},
		{"staller declaring 32 MiB: one chunk", 32 * MiB, 1, 0, []int{FrameChunk}},
		{"staller with a small buf: the rest of a chunk", 32 * MiB, 1, 4096, []int{FrameChunk - 4096}},
		{"staller with a large buf: nothing", 32 * MiB, 1, 2 * FrameChunk, nil},
		{"1 MiB whole: a chunk, then the rest (a sixteenth arrived)", MiB, MiB, 0, []int{FrameChunk, MiB - FrameChunk}},
		{"2 MiB + 1 of 32 MiB sent: up to the jump", 32 * MiB, 2*MiB + 1, 0,
			[]int{FrameChunk, FrameChunk, 2 * FrameChunk, 4 * FrameChunk, 8 * FrameChunk, 16 * FrameChunk, 32*MiB - 2*MiB}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			grow := func(n int) error { got = append(got, n); return nil }
			in := frameOf(tt.declared, tt.sent)
			p, err := ReadFrameCharged(bytes.NewReader(in), 32*MiB, make([]byte, 0, tt.bufCap), grow)
			if tt.sent == int(tt.declared) && (err != nil || !bytes.Equal(p, in[4:])) {
				t.Fatalf("read %d bytes, %v", len(p), err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("grow calls %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("grow calls %v, want %v", got, tt.want)
				}
			}
			// ReadPayloadCharged tells the same.
			var again []int
			ReadPayloadCharged(bytes.NewReader(in[4:]), int(tt.declared), make([]byte, 0, tt.bufCap), func(n int) error { again = append(again, n); return nil })
			if len(again) != len(got) {
				t.Fatalf("ReadPayloadCharged: grow calls %v, ReadFrameCharged %v", again, got)
			}
		})
	}
}

// TestReadChargedRefused: an error from grow ends the read with that
// error, before the allocation it was asked about.
func TestReadChargedRefused(t *testing.T) {
	full := errors.New("budget full")
	tests := []struct {
		name    string
		allowed int // calls that succeed before the refusal
		maxHeap uint64
	}{
		{"first chunk refused", 0, 4 << 10},
		{"the jump refused", 2, 3*FrameChunk + 4<<10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := frameOf(32<<20, 2<<20)
			calls := 0
			var err error
			n := allocated(func() {
				_, err = ReadFrameCharged(bytes.NewReader(in), 32<<20, nil, func(int) error {
					if calls++; calls > tt.allowed {
						return full
					}
					return nil
				})
			})
			if !errors.Is(err, full) {
				t.Fatalf("err = %v, want %v", err, full)
			}
			if n > tt.maxHeap {
				t.Fatalf("allocated %d bytes, want at most %d", n, tt.maxHeap)
			}
		})
	}
}
