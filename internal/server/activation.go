package server

import (
	"fmt"
	"net"
)

// ListenWith is Listen with listeners opened by someone else (systemd
// socket activation): a non-nil tcp or unix is served as that transport in
// place of the configured address, enabled in the configuration or not;
// every other enabled transport is bound as Listen binds it. The server owns
// the listeners from the call on, and closes them if ListenWith fails.
//
// The server did not create a Unix socket passed in, so it leaves it as it
// found it: no chmod, and its file stays when the server stops. UnixPath
// reports "" for it; its Addr names the socket.
func (s *Server) ListenWith(tcp net.Listener, unix *net.UnixListener) error {
	closeGiven := func() {
		if tcp != nil {
			tcp.Close()
		}
		if unix != nil {
			unix.Close()
		}
	}
	if tcp != nil {
		if _, ok := tcp.Addr().(*net.TCPAddr); !ok {
			closeGiven()
			return fmt.Errorf("ipc tcp: the listener passed in is on %s, not tcp", tcp.Addr().Network())
		}
	}
	tcpOn, unixOn := s.cfg.TCP.Enable, s.cfg.Local.Enable
	s.cfg.TCP.Enable = tcpOn && tcp == nil
	s.cfg.Local.Enable = unixOn && unix == nil
	err := s.Listen()
	s.cfg.TCP.Enable, s.cfg.Local.Enable = tcpOn, unixOn
	if err != nil {
		closeGiven()
		return err
	}
	if tcp != nil {
		s.tcp = tcp
	}
	if unix != nil {
		unix.SetUnlinkOnClose(false)
		s.unix = unix
		// cfg.Local.Path names the socket file the server created, which
		// Shutdown removes; there is none.
		s.cfg.Local.Path = ""
	}
	return nil
}
