package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// BenchmarkPush: one event pushed on a real Unix connection, as the broker
// pushes to each subscriber: the cost and the allocations per push.
func BenchmarkPush(b *testing.B) {
	conns := make(chan peer.Conn, 1)
	s := startServer(b, HandlerFunc(func(ctx context.Context, _ ipc.Encoding, payload, dst []byte) []byte {
		conns <- peer.From(ctx).Conn
		return append(dst, payload...)
	}), nil)
	c := dial(b, "unix", s.UnixPath())
	if _, err := c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte(`{}`))); err != nil {
		b.Fatal(err)
	}
	conn := <-conns
	br := bufio.NewReaderSize(c, 64<<10)
	if _, err := ipc.ReadFrame(br, 1<<20, nil); err != nil { // the reply
		b.Fatal(err)
	}
	payload := bytes.Repeat([]byte("e"), 1024) // about an event with its block
	read := make(chan error, 1)
	go func() {
		buf := make([]byte, 0, 2048)
		var err error
		for i := 0; i < b.N; i++ {
			if buf, err = ipc.ReadFrame(br, 1<<20, buf[:0]); err != nil {
				break
			}
		}
		read <- err
	}()
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	b.ResetTimer()
	for range b.N {
		if err := conn.Push(payload); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-read; err != nil && err != io.EOF {
		b.Fatal(err)
	}
}
