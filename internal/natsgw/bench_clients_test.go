package natsgw_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// BenchmarkFanout's clients stand in for WebSocket clients on other hosts.
// Each subscribes to every confirmation, then reads; arrived tallies what
// it reads. Two kinds: lean (the least CPU a real client needs: a
// handshake by hand over net/http's request and response, then frames read
// from the raw connection with a bufio.Reader) and coder (coder/websocket's
// client, as the tests use).
type fanoutClient func(ctx context.Context, wsURL string) (read func(ctx context.Context, arrived func(seq uint64)) error, err error)

const subscribeAll = `{"action": "subscribe", "topic": "confirmation", "ack": true}`

// sequenceOf reads the top-level "sequence" of a confirmation message (the
// last key: nipc writes it after the node's three); false if none.
func sequenceOf(msg []byte) (uint64, bool) {
	key := []byte(`"sequence": "`)
	at := bytes.LastIndex(msg, key)
	if at < 0 {
		return 0, false
	}
	rest := msg[at+len(key):]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(rest[:end]), 10, 64)
	return n, err == nil
}

// coderClient is coder/websocket's client.
func coderClient(ctx context.Context, wsURL string) (func(context.Context, func(uint64)) error, error) {
	c, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		return nil, err
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(subscribeAll)); err != nil {
		c.CloseNow()
		return nil, err
	}
	if _, _, err := c.Read(ctx); err != nil { // the ack
		c.CloseNow()
		return nil, err
	}
	return func(ctx context.Context, arrived func(uint64)) error {
		defer c.CloseNow()
		return readAll(func() ([]byte, error) {
			_, data, err := c.Read(ctx)
			return data, err
		}, arrived)
	}, nil
}

// leanClient upgrades with a request written and a response read by
// net/http, sends the subscribe message as one masked frame, and then
// reads frames from the connection itself into one reused buffer.
func leanClient(ctx context.Context, wsURL string) (func(context.Context, func(uint64)) error, error) {
	host := strings.TrimPrefix(wsURL, "ws://")
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, err
	}
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	br, err := leanHandshake(conn, host)
	if err == nil {
		err = writeMasked(conn, []byte(subscribeAll))
	}
	var buf []byte
	if err == nil {
		_, err = readFrame(br, &buf) // the ack
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return func(ctx context.Context, arrived func(uint64)) error {
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		defer stop()
		defer conn.Close()
		return readAll(func() ([]byte, error) { return readFrame(br, &buf) }, arrived)
	}, nil
}

// readAll reads messages until an error (the end of the benchmark), and
// tells arrived the sequence of each confirmation, checking that each is
// the one after the one before.
func readAll(next func() ([]byte, error), arrived func(uint64)) error {
	var last uint64
	for {
		msg, err := next()
		if err != nil {
			return nil
		}
		seq, ok := sequenceOf(msg)
		if !ok {
			continue
		}
		if last != 0 && seq != last+1 {
			return fmt.Errorf("confirmation %d after %d", seq, last)
		}
		last = seq
		arrived(seq)
	}
}

// leanHandshake is the client's opening handshake (RFC 6455 §4.1).
func leanHandshake(conn net.Conn, host string) (*bufio.Reader, error) {
	var nonce [16]byte
	rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	req, err := http.NewRequest(http.MethodGet, "http://"+host+"/", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", key)
	if err := req.Write(conn); err != nil {
		return nil, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		return nil, fmt.Errorf("WebSocket upgrade refused: %s", resp.Status)
	}
	return br, nil
}

// writeMasked writes p as one masked text frame (p shorter than 126 bytes).
func writeMasked(w io.Writer, p []byte) error {
	if len(p) >= 126 {
		return errors.New("writeMasked: message too long")
	}
	frame := make([]byte, 0, 6+len(p))
	frame = append(frame, 0x81, 0x80|byte(len(p)))
	var mask [4]byte
	rand.Read(mask[:])
	frame = append(frame, mask[:]...)
	for i, c := range p {
		frame = append(frame, c^mask[i%4])
	}
	_, err := w.Write(frame)
	return err
}

// readFrame reads one unfragmented, unmasked server frame into *buf
// (grown as needed) and returns its payload; a close frame is an error.
func readFrame(br *bufio.Reader, buf *[]byte) ([]byte, error) {
	var h [8]byte
	if _, err := io.ReadFull(br, h[:2]); err != nil {
		return nil, err
	}
	if op := h[0] & 0x0f; op == 0x8 {
		return nil, errors.New("closed by the server")
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		if _, err := io.ReadFull(br, h[:2]); err != nil {
			return nil, err
		}
		n = uint64(binary.BigEndian.Uint16(h[:2]))
	case 127:
		if _, err := io.ReadFull(br, h[:8]); err != nil {
			return nil, err
		}
		n = binary.BigEndian.Uint64(h[:8])
	}
	if n > 1<<20 {
		return nil, fmt.Errorf("a frame of %d bytes", n)
	}
	if uint64(cap(*buf)) < n {
		*buf = make([]byte, n)
	}
	p := (*buf)[:n]
	_, err := io.ReadFull(br, p)
	return p, err
}

// tally records when each confirmation reached its first and its last
// client.
type tally struct {
	total    int32
	arrivals [fanoutMost]atomic.Int32
	first    [fanoutMost]atomic.Int64
	last     [fanoutMost]atomic.Int64
}

// fanoutMost bounds the sequences a tally records.
const fanoutMost = 1 << 14

func (t *tally) arrived(seq uint64) {
	if seq >= fanoutMost {
		return
	}
	now := time.Now().UnixNano()
	switch t.arrivals[seq].Add(1) {
	case 1:
		t.first[seq].Store(now)
	case t.total:
		t.last[seq].Store(now)
	}
}
