package broker

import (
	"github.com/nipc/nipc/internal/peer"
)

// serviceConn is an IPC connection's service name and TopicServiceStop
// subscription. Its Subscription (of no confirmation: only StopService
// offers to it) pushes EventServiceStop in the connection's event
// encoding, and ends with the connection.
type serviceConn struct {
	sub  *Subscription
	stop bool   // subscribed to TopicServiceStop
	name string // given by ServiceRegister
}

// stopPusher is the Subscriber of a serviceConn: what it is given is
// EventServiceStop.
type stopPusher struct{ conn peer.Conn }

func (p stopPusher) Deliver(ev *Event, _ *Options) error {
	payload := serviceStopEnvelope(ev, p.conn.EventEncoding())
	if payload == nil {
		return nil
	}
	return p.conn.Push(payload)
}

func (p stopPusher) Dropped(error) { p.conn.Close() }

// service returns conn's serviceConn, creating it (it starts after the
// current reply) if needed. Called with b.mu held for writing.
func (b *Broker) service(conn peer.Conn) *serviceConn {
	if sc, ok := b.services[conn]; ok {
		return sc
	}
	sc := &serviceConn{}
	var sub *Subscription
	sub = newSubscription(Options{}, stopPusher{conn}, b.queueSize, &b.delivered, func() {
		b.mu.Lock()
		if cur, ok := b.services[conn]; ok && cur.sub == sub {
			delete(b.services, conn)
		}
		b.mu.Unlock()
	})
	sc.sub = sub
	b.services[conn] = sc
	conn.AfterReply(sub.Start)
	go sub.run(conn.Done())
	return sc
}

// SubscribeServiceStop subscribes conn to EventServiceStop for its service.
func (b *Broker) SubscribeServiceStop(conn peer.Conn, unsubscribe bool) error {
	if conn == nil {
		return ErrNoConnection
	}
	b.mu.Lock()
	if !unsubscribe {
		b.service(conn).stop = true
		b.mu.Unlock()
		return nil
	}
	var idle *Subscription
	if sc, ok := b.services[conn]; ok {
		sc.stop = false
		idle = b.idle(sc)
	}
	b.mu.Unlock()
	if idle != nil {
		idle.Close()
	}
	return nil
}

// RegisterService names the service on conn (the last name wins).
func (b *Broker) RegisterService(conn peer.Conn, name string) error {
	if conn == nil {
		return ErrNoConnection
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.service(conn).name = name
	return nil
}

// idle returns sc's subscription if sc has nothing left to do (the
// caller closes it once b.mu is released). Called with b.mu held.
func (b *Broker) idle(sc *serviceConn) *Subscription {
	if sc.stop || sc.name != "" {
		return nil
	}
	return sc.sub
}

// StopService sends EventServiceStop to every connection registered as the
// named service that subscribed to TopicServiceStop. It reports how many.
func (b *Broker) StopService(name string) int {
	ev := &Event{time: b.now()}
	var slow []*Subscription
	n := 0
	b.mu.RLock()
	for _, sc := range b.services {
		if sc.stop && sc.name == name {
			n++
			if !sc.sub.Offer(ev) {
				slow = append(slow, sc.sub)
			}
		}
	}
	b.mu.RUnlock()
	b.dropSlow(slow)
	return n
}
