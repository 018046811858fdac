package membudget

import "time"

// Charge is one request's share of a Budget, taken step by step as its
// payload's buffer grows: its Grow method is an ipc.GrowFunc. The zero
// value with Budget set is ready to use; Release gives everything back.
// A Charge is used by one goroutine.
type Charge struct {
	Budget *Budget
	Wait   time.Duration   // how long one Grow may wait for room
	Stop   <-chan struct{} // ends a wait early (ErrStopped); may be nil
	// Waited, if set, is called after a Grow that had to wait got its
	// room (to give the read that goes on its time again).
	Waited func()

	held int64
}

// Grow takes n more bytes. A charge that holds nothing yet (a payload's
// first chunk) waits up to Wait for room; one that already holds part of
// the budget never waits: requests that each hold a part and wait for
// more would hold one another up until their time-outs, so it fails at
// once with ErrBusy and its request is refused (the client may retry). It
// fails with ErrTooLarge at once when the request would hold more than the
// whole budget, and with ErrTimeout or ErrStopped as Budget.Take does; on
// failure the bytes held so far stay held until Release.
func (c *Charge) Grow(n int) error {
	if c.Budget.TryTake(int64(n)) {
		c.held += int64(n)
		return nil
	}
	if l := c.Budget.Limit(); c.held+int64(n) > l {
		return ErrTooLarge
	}
	if c.held > 0 {
		return ErrBusy
	}
	if err := c.Budget.Take(int64(n), time.Now().Add(c.Wait), c.Stop); err != nil {
		return err
	}
	c.held += int64(n)
	if c.Waited != nil {
		c.Waited()
	}
	return nil
}

// Held is the bytes the charge holds.
func (c *Charge) Held() int64 { return c.held }

// Release gives back everything the charge holds.
func (c *Charge) Release() {
	c.Budget.Give(c.held)
	c.held = 0
}
