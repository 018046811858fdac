package server

import (
	"encoding/binary"
	"errors"
	"io"
	"time"

	"github.com/nipc/nipc/internal/membudget"
	"github.com/nipc/nipc/ipc"
)

// busyText is what a request refused for the budget is told.
const busyText = membudget.TextBusy

// readPayload reads the frame that follows a preamble into buf (or a buffer
// that grows from it as the bytes arrive, see ipc.ReadFrame).
//
// A frame that arrived whole with its preamble is read at once: its bytes
// are already in the connection's read buffer, and it is not counted. Any
// other frame is charged to the server's budget for the memory its payload
// actually has: the part of buf it may fill first, then each step by which
// ipc.ReadFrameCharged grows the buffer, waiting up to io_timeout for room
// at each step (the read then gets its io_timeout again). held is what was
// taken, to give back once the reply is written. If a step finds no room in
// time, what was taken is given back and the request is refused
// (refuseBusy).
//
// A nil payload means there is no request to handle; keep then says whether
// the connection stays open (true only after a refusal that kept the
// stream in step).
func (ss *session) readPayload(enc ipc.Encoding, buf []byte, log sessionLog) (payload []byte, held int64, keep bool) {
	max := ss.srv.cfg.MaxFrameSize
	if ss.frameBuffered() {
		payload, err := ipc.ReadFrame(ss.br, max, buf)
		if err != nil {
			log.Debug("closing connection", "encoding", enc, "reason", err)
			return nil, 0, false
		}
		return payload, 0, true
	}
	rearm := func() { ss.conn.SetReadDeadline(time.Now().Add(ss.ioTimeout)) }
	rearm()
	ss.readDeadline = true
	l, err := ss.br.Peek(ipc.FrameHeaderSize)
	if err != nil {
		log.Debug("closing connection", "encoding", enc, "reason", err)
		return nil, 0, false
	}
	n := binary.BigEndian.Uint32(l)
	charge := membudget.Charge{Budget: ss.srv.budget, Wait: ss.ioTimeout, Stop: ss.srv.stop, Waited: rearm}
	cr := countingReader{r: ss.br}
	// A length of 0 or above max is refused by the reader before anything
	// is allocated or charged for it.
	if n > 0 && n <= max {
		// buf is the pool's, and the payload's first room.
		if c := min(cap(buf), int(n)); c > 0 {
			err = charge.Grow(c)
		}
		if err == nil {
			payload, err = ipc.ReadFrameCharged(&cr, max, buf, charge.Grow)
		}
	} else {
		payload, err = ipc.ReadFrame(&cr, max, buf)
	}
	switch {
	case err == nil:
		return payload, charge.Held(), true
	case errors.Is(err, membudget.ErrTimeout), errors.Is(err, membudget.ErrBusy), errors.Is(err, membudget.ErrTooLarge):
		charge.Release()
		return nil, 0, ss.refuseBusy(enc, n, ipc.FrameHeaderSize+int64(n)-cr.n, log)
	}
	charge.Release()
	log.Debug("closing connection", "encoding", enc, "reason", err)
	return nil, 0, false
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// refuseBusy answers a request whose payload found no room in the budget
// within io_timeout. It reads and drops the rest of the frame, rest bytes
// (through a small shared buffer, never allocated for it; bounded by
// io_timeout) so that the stream stays in step, then answers with busyText
// in the request's encoding. It reports whether the connection stays open:
// it does when all went well.
func (ss *session) refuseBusy(enc ipc.Encoding, n uint32, rest int64, log sessionLog) bool {
	ss.srv.busyWarn.Warn(log, "request refused: request bytes in flight at the limit", "remote", ss.peer.Remote, "encoding", enc, "length", n, "limit", ss.srv.budget.Limit())
	ss.conn.SetReadDeadline(time.Now().Add(ss.ioTimeout))
	if _, err := io.CopyN(io.Discard, ss.br, rest); err != nil {
		log.Debug("closing connection", "encoding", enc, "reason", err)
		return false
	}
	frame := ss.srv.refusal(enc, RefuseBusy)
	if frame == nil {
		return false
	}
	if err := ss.write(frame); err != nil {
		log.Debug("write failed", "err", err)
		return false
	}
	return true
}
