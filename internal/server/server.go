package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nipc/nipc/internal/logthrottle"
	"github.com/nipc/nipc/internal/membudget"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("server: closed")

// Server is the IPC listener. Create it with New, bind with Listen, run Serve,
// stop with Shutdown.
type Server struct {
	cfg     Config
	handler Handler
	log     *slog.Logger
	secret  []byte // the access check's secret; nil: the check is off

	tcp  net.Listener
	unix *net.UnixListener

	nextSession atomic.Uint64
	active      atomic.Int64 // open connections, for MaxConnections

	closing  atomic.Bool // set once, before idle sessions are closed
	mu       sync.Mutex  // guards sessions
	sessions map[*session]struct{}
	wg       sync.WaitGroup // sessions; Add only under mu while not closing

	baseCtx context.Context
	cancel  context.CancelFunc
	stop    chan struct{} // closed when Shutdown or Close begins

	budget     *membudget.Budget     // request bytes in flight (shared with the gateway)
	accessWarn *logthrottle.Throttle // failed access checks
	busyWarn   *logthrottle.Throttle // requests refused for the budget
	limitWarn  *logthrottle.Throttle // connections closed for MaxConnections
}

// New validates cfg and returns a server that will pass requests to h.
func New(cfg Config, h Handler, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	secret := bytes.Clone(cfg.AccessSecret)
	if secret == nil && cfg.AccessFile != "" {
		var err error
		if secret, err = ipc.ReadSecretFile(cfg.AccessFile); err != nil {
			return nil, fmt.Errorf("server: node.ipc.access_check: %w", err)
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	budget := cfg.Budget
	if budget == nil {
		budget = membudget.New(cfg.MaxRequestBytesInFlight)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		cfg:        cfg,
		handler:    h,
		log:        log,
		secret:     secret,
		sessions:   make(map[*session]struct{}),
		baseCtx:    ctx,
		cancel:     cancel,
		stop:       make(chan struct{}),
		budget:     budget,
		accessWarn: logthrottle.New(logthrottle.Every),
		busyWarn:   logthrottle.New(logthrottle.Every),
		limitWarn:  logthrottle.New(logthrottle.Every),
	}, nil
}

// Listen binds every enabled transport. If one fails, those already bound are
// closed again and the error names the transport.
func (s *Server) Listen() error {
	if s.cfg.TCP.Enable {
		l, err := listenTCP(s.cfg.TCP)
		if err != nil {
			return err
		}
		s.tcp = l
	}
	if s.cfg.Local.Enable {
		l, err := listenUnix(s.cfg.Local)
		if err != nil {
			if s.tcp != nil {
				s.tcp.Close()
				s.tcp = nil
			}
			return err
		}
		s.unix = l
	}
	return nil
}

// TCPAddr is the bound TCP address, or nil.
func (s *Server) TCPAddr() *net.TCPAddr {
	if s.tcp == nil {
		return nil
	}
	return s.tcp.Addr().(*net.TCPAddr)
}

// UnixPath is the bound socket path, or "".
func (s *Server) UnixPath() string {
	if s.unix == nil {
		return ""
	}
	return s.cfg.Local.Path
}

// Serve accepts connections on every bound transport until Shutdown. It
// returns ErrServerClosed after a shutdown, or the first accept error that is
// not temporary.
func (s *Server) Serve() error {
	if s.tcp == nil && s.unix == nil {
		return errors.New("server: Serve called before Listen")
	}
	errc := make(chan error, 2)
	n := 0
	if s.tcp != nil {
		n++
		go func() { errc <- s.acceptLoop(s.tcp, peer.TCP, s.cfg.TCP.IOTimeout, s.cfg.TCP.AllowUnsafe) }()
	}
	if s.unix != nil {
		n++
		go func() { errc <- s.acceptLoop(s.unix, peer.Unix, s.cfg.Local.IOTimeout, s.cfg.Local.AllowUnsafe) }()
	}
	var first error
	for range n {
		err := <-errc
		if first == nil || errors.Is(first, ErrServerClosed) {
			first = err
		}
		if !errors.Is(err, ErrServerClosed) {
			s.closeListeners()
		}
	}
	return first
}

func (s *Server) acceptLoop(l net.Listener, t peer.Transport, ioTimeout time.Duration, unsafe bool) error {
	var backoff time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			if s.isClosing() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("accept failed; retrying", "transport", t, "err", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("server: accept on %s: %w", t, err)
		}
		backoff = 0
		if max := s.cfg.MaxConnections; max > 0 && s.active.Load() >= int64(max) {
			s.limitWarn.Warn(s.log, "connection limit reached; closing new connection", "transport", t, "limit", max)
			c.Close()
			continue
		}
		p := &peer.Peer{Session: s.nextSession.Add(1), Transport: t, AllowUnsafe: unsafe}
		if a := c.RemoteAddr(); a != nil {
			p.Remote = a.String()
		}
		sess := newSession(s, c, p, ioTimeout)
		if !s.track(sess) {
			c.Close()
			return ErrServerClosed
		}
		go sess.run()
	}
}

// isTemporary reports errors such as EMFILE after which accepting can resume.
func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

func (s *Server) track(sess *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.sessions[sess] = struct{}{}
	s.active.Add(1)
	s.wg.Add(1)
	if o := s.cfg.Observer; o != nil {
		o.ConnOpened(sess.peer.Transport)
	}
	return true
}

func (s *Server) untrack(sess *session) {
	s.mu.Lock()
	delete(s.sessions, sess)
	s.mu.Unlock()
	s.active.Add(-1)
	if o := s.cfg.Observer; o != nil {
		o.ConnClosed(sess.peer.Transport)
	}
	s.wg.Done()
}

func (s *Server) isClosing() bool { return s.closing.Load() }

func (s *Server) closeListeners() {
	if s.tcp != nil {
		s.tcp.Close()
	}
	if s.unix != nil {
		s.unix.Close() // unlinks the socket file
	}
}

// Shutdown stops accepting, closes idle sessions, waits for requests in
// flight to be answered, and removes the socket file. ctx bounds the wait
// (DrainTimeout applies when ctx has no deadline); when it ends, every
// remaining connection is closed and ctx's error is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	already := s.closing.Swap(true)
	sessions := make([]*session, 0, len(s.sessions))
	for sess := range s.sessions {
		sessions = append(sessions, sess)
	}
	s.mu.Unlock()
	if !already {
		close(s.stop)
		s.closeListeners()
		s.removeSocket()
	}
	for _, sess := range sessions {
		sess.closeIfIdle()
	}
	if _, ok := ctx.Deadline(); !ok && s.cfg.DrainTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.DrainTimeout)
		defer cancel()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.Close()
		<-done
		return ctx.Err()
	}
}

// Close closes the listeners and every connection at once.
func (s *Server) Close() {
	s.mu.Lock()
	already := s.closing.Swap(true)
	for sess := range s.sessions {
		sess.conn.Close()
	}
	s.mu.Unlock()
	if !already {
		close(s.stop)
		s.closeListeners()
		s.removeSocket()
	}
	s.cancel()
}

// removeSocket removes the socket file if it is still the one we created.
func (s *Server) removeSocket() {
	if s.unix == nil {
		return
	}
	// net.UnixListener.Close unlinks its own path; this catches the case
	// where it could not (and leaves alone a file someone else put there).
	if fi, err := os.Lstat(s.cfg.Local.Path); err == nil && fi.Mode().Type() == os.ModeSocket {
		if c, err := net.DialTimeout("unix", s.cfg.Local.Path, 100*time.Millisecond); err == nil {
			c.Close()
			return
		}
		os.Remove(s.cfg.Local.Path)
	}
}
