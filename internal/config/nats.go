package config

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
)

// NATS is what config-node.toml's [node.nats] and config-rpc.toml's [nats]
// (a nipc extension) share: how to reach the NATS JetStream servers, the
// subject prefix and the stream. The node publishes its confirmations to
// the stream and serves its API on the subjects; "nipc gateway" reads the
// stream and asks the API. Package natsbus connects with it; it documents
// the subjects, the stream and the headers. The keys only the node uses
// are [NodeNATS]'s.
type NATS struct {
	Enable        bool     `toml:"enable" comment:"Connect to NATS: the node publishes every confirmation to a JetStream stream and serves its API over request/reply; nipc gateway reads the stream and asks the API, with no IPC connection."`
	Servers       []string `toml:"servers" comment:"NATS server URLs (nats://, tls://, ws:// or wss://); the client picks one and reconnects to any."`
	CredsFile     string   `toml:"creds_file" comment:"NATS credentials file (JWT and nkey seed; mode 0600 or tighter), relative to the data directory."`
	NkeySeedFile  string   `toml:"nkey_seed_file" comment:"NATS nkey seed file (mode 0600 or tighter), relative to the data directory."`
	User          string   `toml:"user" comment:"NATS user name (with password); at most one of creds_file, nkey_seed_file and user."`
	Password      string   `toml:"password" comment:"NATS password for user."`
	TLSCAFile     string   `toml:"tls_ca_file" comment:"PEM bundle of CAs the NATS server's certificate must chain to, relative to the data directory; empty uses the system's."`
	TLSCertFile   string   `toml:"tls_cert_file" comment:"PEM client certificate for NATS (with tls_key_file), relative to the data directory."`
	TLSKeyFile    string   `toml:"tls_key_file" comment:"PEM private key of tls_cert_file, relative to the data directory."`
	SubjectPrefix string   `toml:"subject_prefix" comment:"Prefix of every subject (confirmations, API); empty derives it from the network: nano.dev."`
	Stream        string   `toml:"stream" comment:"JetStream stream holding the confirmations; empty derives it from the network: NANO_DEV_CONFIRMATIONS."`
}

// NodeNATS is the [node.nats] table of config-node.toml: [NATS] plus the
// keys only the node uses, because only the node creates the stream (and
// updates it to its limits) and publishes to it; a gateway opens the
// stream by name and reads it as it is.
type NodeNATS struct {
	NATS
	Replicas      int     `toml:"replicas" comment:"Copies of the stream in a JetStream cluster (1..5)."`
	MaxAge        Seconds `toml:"max_age" comment:"Seconds the stream keeps a confirmation; 0 keeps them for ever."`
	MaxBytes      int64   `toml:"max_bytes" comment:"Bytes the stream may hold, the oldest confirmations going first; 0 means unlimited."`
	PublishWindow int     `toml:"publish_window" comment:"Confirmations the node publishes ahead of the stream's acknowledgements (1..65536)."`
}

// DefaultNATS returns the [nats] defaults: off, a local server, the
// subject prefix and the stream derived from the network.
func DefaultNATS() NATS {
	return NATS{Servers: []string{"nats://127.0.0.1:4222"}}
}

// DefaultNodeNATS returns the [node.nats] defaults: [DefaultNATS], one
// replica, nothing expires, 256 publishes in flight.
func DefaultNodeNATS() NodeNATS {
	return NodeNATS{NATS: DefaultNATS(), Replicas: 1, PublishWindow: 256}
}

// validate adds the table's problems, its keys under prefix ("node.nats."
// or "nats.").
func (c NATS) validate(v *validator, prefix string) {
	key := func(k string) string { return prefix + k }
	if c.Enable && len(c.Servers) == 0 {
		v.add(key("servers"), "must name at least one server when %s is true", key("enable"))
	}
	for _, s := range c.Servers {
		if err := checkNATSURL(s); err != nil {
			v.add(key("servers"), "%v", err)
		}
	}
	var creds []string
	for _, f := range []struct{ key, val string }{
		{"creds_file", c.CredsFile}, {"nkey_seed_file", c.NkeySeedFile}, {"user", c.User},
	} {
		if f.val != "" {
			creds = append(creds, key(f.key))
		}
	}
	if len(creds) > 1 {
		v.add(creds[1], "is set together with %s: give one kind of NATS credentials", creds[0])
	}
	if c.Password != "" && c.User == "" {
		v.add(key("password"), "is set but %s is empty: a password needs a user", key("user"))
	}
	switch {
	case c.TLSCertFile != "" && c.TLSKeyFile == "":
		v.add(key("tls_cert_file"), "is set but %s is empty: a client certificate needs its key", key("tls_key_file"))
	case c.TLSKeyFile != "" && c.TLSCertFile == "":
		v.add(key("tls_key_file"), "is set but %s is empty: a key needs its client certificate", key("tls_cert_file"))
	}
	if c.SubjectPrefix != "" {
		if err := CheckSubjectPrefix(c.SubjectPrefix); err != nil {
			v.add(key("subject_prefix"), "%v", err)
		}
	}
	if c.Stream != "" && strings.ContainsAny(c.Stream, " \t\r\n.*>/\\") {
		v.add(key("stream"), "%q: a stream name has no white space and none of . * > / \\", c.Stream)
	}
}

// validate adds the problems of [node.nats], its keys under prefix.
func (c NodeNATS) validate(v *validator, prefix string) {
	c.NATS.validate(v, prefix)
	v.between(prefix+"replicas", int64(c.Replicas), 1, 5)
	v.seconds(prefix+"max_age", c.MaxAge, 0)
	v.between(prefix+"max_bytes", c.MaxBytes, 0, 1<<62)
	v.between(prefix+"publish_window", int64(c.PublishWindow), 1, 65536)
}

// nodeOnlyHint explains an unknown key of config-rpc.toml's [nats] that
// is a key of the node's [node.nats]: the gateway does not use it.
func nodeOnlyHint(key []string) string {
	if len(key) != 2 || key[0] != "nats" {
		return ""
	}
	if _, shared := lookup(reflect.TypeFor[NATS](), key[1:]); shared {
		return ""
	}
	if _, ok := lookup(reflect.TypeFor[NodeNATS](), key[1:]); !ok {
		return ""
	}
	return fmt.Sprintf(": only the node uses it (node.nats.%s in %s): the node creates the stream and publishes to it, a gateway reads the stream as it is",
		key[1], NodeFile)
}

// checkNATSURL reports why s is not a NATS server URL.
func checkNATSURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a server URL such as \"nats://127.0.0.1:4222\"", s)
	}
	switch u.Scheme {
	case "nats", "tls", "ws", "wss":
		return nil
	}
	return fmt.Errorf("%q: the scheme must be nats, tls, ws or wss", s)
}

// CheckSubjectPrefix reports why p is not a usable subject prefix: one or
// more dot-separated tokens without wildcards or white space.
func CheckSubjectPrefix(p string) error {
	for t := range strings.SplitSeq(p, ".") {
		switch {
		case t == "":
			return fmt.Errorf("%q has an empty token (a leading, trailing or double dot)", p)
		case strings.ContainsAny(t, "*>"):
			return fmt.Errorf("%q contains a wildcard", p)
		case strings.ContainsAny(t, " \t\r\n\f\v"):
			return fmt.Errorf("%q contains white space", p)
		}
	}
	return nil
}

// resolvePaths makes the table's relative files relative to dir.
func (c *NATS) resolvePaths(dir string) {
	for _, p := range []*string{&c.CredsFile, &c.NkeySeedFile, &c.TLSCAFile, &c.TLSCertFile, &c.TLSKeyFile} {
		resolve(p, dir)
	}
}
