package config

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/nipc/nipc/internal/tomlerr"
)

// Error is one problem in a configuration: where it is and what is wrong.
// Its message is a single line, "source:line:column: problem", with the
// line and column left out when the problem has no position (a key that is
// not in the file, an override, a value checked by Validate on its own).
type Error struct {
	// Source is the file path, or "--config key=value" for an override;
	// empty for errors returned by Validate before the loader placed them.
	Source string
	// Line and Column are 1-based; 0 when unknown.
	Line, Column int
	// Key is the dotted key the problem is about; empty for syntax errors.
	Key string
	// Msg describes the problem; it names Key when there is one.
	Msg string
}

func (e *Error) Error() string {
	return tomlerr.Format(e.Source, tomlerr.Pos{Line: e.Line, Column: e.Column}, e.Msg)
}

// splitErrors returns the errors joined in err, however deeply (a single
// error is itself).
func splitErrors(err error) []error {
	if err == nil {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, splitErrors(e)...)
	}
	return out
}

// validator collects the problems Validate finds, in struct order.
type validator struct {
	errs []error
}

func (v *validator) add(key, format string, args ...any) {
	v.errs = append(v.errs, &Error{Key: key, Msg: key + ": " + fmt.Sprintf(format, args...)})
}

func (v *validator) err() error {
	return errors.Join(v.errs...)
}

func (v *validator) between(key string, n, lo, hi int64) {
	if n < lo || n > hi {
		v.add(key, "%d is out of range %d..%d", n, lo, hi)
	}
}

func (v *validator) seconds(key string, s Seconds, lo int64) {
	if int64(s) < lo || s > maxSeconds {
		v.add(key, "%d is out of range %d..%d (seconds)", s, lo, maxSeconds)
	}
}

func (v *validator) port(key string, p int) {
	v.between(key, int64(p), 1, 65535)
}

// host checks an address to bind or dial: an IP address (IPv4, IPv6, or
// IPv4-mapped IPv6 as the node writes it) or a host name.
func (v *validator) host(key, s string) {
	switch {
	case s == "":
		v.add(key, "must not be empty (use 127.0.0.1 for this host only)")
	case strings.HasPrefix(s, "["):
		v.add(key, "%q: write an IPv6 address without brackets, e.g. \"::1\"", s)
	default:
		if _, err := netip.ParseAddr(s); err == nil || isHostname(s) {
			return
		}
		v.add(key, "%q is neither an IP address nor a host name", s)
	}
}

// socketPath checks a Unix socket path.
func (v *validator) socketPath(key, s string) {
	switch {
	case s == "":
		v.add(key, "must not be empty")
	case strings.IndexByte(s, 0) >= 0:
		v.add(key, "must not contain a NUL byte")
	case len(s) > maxSocketPath:
		v.add(key, "%q is %d bytes, longer than the %d bytes a Unix socket path may have", s, len(s), maxSocketPath)
	}
}

func (v *validator) oneOf(key, s string, allowed ...string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	v.add(key, "%q is not one of %s", s, strings.Join(allowed, ", "))
}

func isHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	// The last label is never all digits, so "999.1.1.1" is a bad IP
	// address rather than a host name.
	if strings.Trim(s[strings.LastIndexByte(s, '.')+1:], "0123456789") == "" {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
