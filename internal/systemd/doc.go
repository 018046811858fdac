// Package systemd is nipc's side of two systemd protocols, with no
// dependency beyond the standard library and golang.org/x/sys/unix:
// readiness notification (sd_notify(3)) and socket activation
// (sd_listen_fds(3)). Outside systemd neither does anything.
//
// # Notification
//
// NotifierFromEnv reads NOTIFY_SOCKET once, at start, and removes it from
// the environment so that processes nipc might start do not speak for it.
// The socket is a Unix datagram socket: an absolute path, or a name in the
// abstract namespace written with a leading '@'. Any other form (vsock:…)
// is logged and ignored. Each notification is one datagram of
// newline-separated VAR=value lines, sent with a 1 s deadline:
//
//	READY=1            every listener is up and the daemon serves; also
//	                   after each reload, whether it worked or failed
//	RELOADING=1        a reload begins (SIGHUP, `nipc reload`), always with
//	MONOTONIC_USEC=N   CLOCK_MONOTONIC in µs, which Type=notify-reload needs
//	STOPPING=1         shutdown begins
//	STATUS=text        one line saying what listens where, or how the last
//	                   reload went; line breaks become spaces
//
// A *Notifier may be nil: every method then does nothing. Failures to send
// are logged and never stop the daemon. Methods may be called from any
// goroutine; the caller orders them (RELOADING=1 before its READY=1).
//
// # Socket activation
//
// When LISTEN_PID is this process's pid and LISTEN_FDS is N > 0, systemd
// has passed N sockets as file descriptors 3 … 3+N-1, named in order by
// LISTEN_FDNAMES (colon-separated, from each socket's FileDescriptorName=).
// Activated takes them, whatever the outcome removes the three variables
// from the environment, and maps each name to the role it stands for:
//
//	ipc-tcp    the IPC port on TCP (node.ipc.tcp)         a TCP socket
//	ipc-unix   the IPC port's Unix socket (node.ipc.local) a Unix socket
//	rpc        the HTTP gateway (config-rpc.toml)          TCP or Unix
//	websocket  the WebSocket (node.websocket)              TCP or Unix
//
// Every socket must be a listening stream socket (ListenStream=, with
// Accept=no). A name that is missing, unknown, not taken by the command, or
// given twice, a socket of the wrong kind for its role, a descriptor that is
// not a socket, a LISTEN_FDNAMES whose count differs from LISTEN_FDS, or a
// LISTEN_PID or LISTEN_FDS that is not a number is an error naming the
// descriptor and the name; the daemon does not start. Nothing is taken when
// LISTEN_PID is unset or another process's, or LISTEN_FDS is unset or 0.
//
// A listener that systemd passed replaces the configured address for its
// role. The socket belongs to systemd: nipc does not chmod it and does not
// remove its file when it stops.
package systemd
