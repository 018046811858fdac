package main

import (
	"context"
	"strconv"
	"time"

	"github.com/coder/websocket"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdWSFrames is wsframes URL MESSAGE N: open the WebSocket at URL, send
// MESSAGE as one text frame, and print the next N frames on stdout, each
// followed by a newline (within 10 s).
func cmdWSFrames(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: wsframes URL MESSAGE N")
	}
	n, err := strconv.Atoi(args[2])
	ts.Check(err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, args[0], nil)
	ts.Check(err)
	defer c.CloseNow()
	ts.Check(c.Write(ctx, websocket.MessageText, []byte(args[1])))
	for i := range n {
		_, b, err := c.Read(ctx)
		if err != nil {
			ts.Fatalf("frame %d of %d: %v", i+1, n, err)
		}
		ts.Stdout().Write(append(b, '\n'))
	}
	c.Close(websocket.StatusNormalClosure, "")
}
