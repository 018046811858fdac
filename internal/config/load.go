package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"

	"github.com/nipc/nipc/internal/tomlerr"
	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// LoadNode reads <dataDir>/config-node.toml, as [ReadNode] does.
func LoadNode(dataDir string, overrides []string) (Node, error) {
	return ReadNode(filepath.Join(dataDir, NodeFile), overrides)
}

// LoadRPC reads <dataDir>/config-rpc.toml, as [ReadRPC] does.
func LoadRPC(dataDir string, overrides []string) (RPC, error) {
	return ReadRPC(filepath.Join(dataDir, RPCFile), overrides)
}

// ReadNode decodes the config-node.toml file at path over [DefaultNode] (a
// missing file leaves the defaults), applies the overrides in order, makes
// relative secret-file paths relative to the file's directory, and
// validates the result. Overrides are "dotted.key=value" as given to
// --config; a value that is not a TOML value is taken as a string.
// Errors are [*Error] values (several joined with errors.Join).
func ReadNode(path string, overrides []string) (Node, error) {
	data, err := readFile(path)
	if err != nil {
		return Node{}, err
	}
	return parseNode(path, data, overrides)
}

// ReadRPC is [ReadNode] for config-rpc.toml over [DefaultRPC].
func ReadRPC(path string, overrides []string) (RPC, error) {
	data, err := readFile(path)
	if err != nil {
		return RPC{}, err
	}
	return parseRPC(path, data, overrides)
}

// parseNode loads data, the contents of path (nil when the file does not
// exist).
func parseNode(path string, data []byte, overrides []string) (Node, error) {
	cfg := DefaultNode()
	l := &loader{path: path, data: data, schema: reflect.TypeFor[Node]()}
	if err := l.load(&cfg, overrides); err != nil {
		return Node{}, err
	}
	cfg.resolvePaths(filepath.Dir(path))
	if err := l.place(cfg.Validate()); err != nil {
		return Node{}, err
	}
	if cfg.RPC.ChildProcess.Enable {
		w := &Error{Key: "rpc.child_process.enable", Msg: "rpc.child_process.enable: nipc never spawns a gateway process (rpc.enable = true serves the HTTP RPC in-process; or run \"nipc gateway\"); ignored"}
		l.locate(w)
		l.warnings = append(l.warnings, w)
	}
	cfg.Warnings = l.warnings
	return cfg, nil
}

func parseRPC(path string, data []byte, overrides []string) (RPC, error) {
	doc := rpcDocument{RPC: DefaultRPC()}
	l := &loader{path: path, data: data, schema: reflect.TypeFor[RPC]()}
	if err := l.load(&doc, overrides); err != nil {
		return RPC{}, err
	}
	cfg := doc.RPC
	cfg.resolvePaths(filepath.Dir(path))
	if err := l.place(errors.Join(doc.checkLegacy(), cfg.Validate())); err != nil {
		return RPC{}, err
	}
	cfg.Warnings = l.warnings
	return cfg, nil
}

// readFile returns the file's contents, nil (and no error) when it does not
// exist.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		msg := err.Error()
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			msg = pe.Err.Error()
		}
		return nil, &Error{Source: path, Msg: "cannot read the file: " + msg}
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

// loader turns one file plus overrides into a decoded value and places
// every error at its source.
type loader struct {
	path    string
	data    []byte       // nil when the file does not exist
	schema  reflect.Type // the configuration type, for key lookups
	pos     map[string]tomlerr.Pos
	applied []applied // overrides applied, in order
	// warnings are the keys of the C++ node's files that nipc does not
	// use: accepted, one warning each.
	warnings []*Error
}

type applied struct{ key, text string }

// load decodes the file over dst, then the overrides.
func (l *loader) load(dst any, overrides []string) error {
	if l.data != nil {
		if err := decodeStrict(l.data, dst); err != nil {
			// Only keys of the C++ node's that nipc does not use leave
			// no error: the rest of the file was decoded.
			if err := l.convert(err, l.path, true); err != nil {
				return err
			}
		}
		l.pos = keyPositions(l.data)
	}
	var errs []error
	for _, ov := range overrides {
		if err := l.override(dst, ov); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func decodeStrict(data []byte, dst any) error {
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(dst)
}

// mismatch matches go-toml's type mismatch message and captures the TOML
// kind it found.
var mismatch = regexp.MustCompile(`^cannot decode TOML (.+?) into `)

// convert turns a go-toml error into one line per problem, each an *Error
// naming source and, when positioned, the line and column.
func (l *loader) convert(err error, source string, positioned bool) error {
	at := func(de *toml.DecodeError) *Error {
		e := &Error{Source: source}
		if positioned {
			e.Line, e.Column = de.Position()
		}
		return e
	}
	if sm, ok := errors.AsType[*toml.StrictMissingError](err); ok {
		errs := make([]error, 0, len(sm.Errors))
		for i := range sm.Errors {
			de := &sm.Errors[i]
			e := at(de)
			e.Key = strings.Join(de.Key(), ".")
			if nanoKey(l.schema, de.Key()) {
				l.warnings = append(l.warnings, ignoredKey(e))
				continue
			}
			if strings.HasSuffix(de.Error(), "missing table") {
				e.Msg = "unknown table [" + e.Key + "]"
			} else {
				e.Msg = "unknown key " + e.Key
			}
			e.Msg += l.hint(de.Key())
			errs = append(errs, e)
		}
		return errors.Join(errs...)
	}
	if de, ok := errors.AsType[*toml.DecodeError](err); ok {
		e := at(de)
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if t, ok := lookup(l.schema, de.Key()); ok && len(de.Key()) > 0 {
			e.Key = strings.Join(de.Key(), ".")
			if m := mismatch.FindStringSubmatch(msg); m != nil {
				msg = "expected " + describe(t) + ", got " + withArticle(m[1])
			}
			msg = e.Key + ": " + msg
		}
		if positioned && e.Key == "" {
			msg += tomlerr.BareValueHint(msg, tomlerr.LineText(l.data, e.Line))
		}
		e.Msg = msg
		return e
	}
	return &Error{Source: source, Msg: err.Error()}
}

// hint explains an unknown key: a pointer from [secure] to [tls], a key
// of [nats] that only the node's [node.nats] has, or the closest known key
// in the same table.
func (l *loader) hint(key []string) string {
	if l.schema == reflect.TypeFor[RPC]() {
		if len(key) > 0 && key[0] == "secure" {
			return ": nipc reads TLS settings from [tls] (enable_https, server_cert_path, server_key_path, client_certs_path)"
		}
		if h := nodeOnlyHint(key); h != "" {
			return h
		}
	}
	// Find the first part of the key that names nothing, and the known key
	// closest to it in the same table.
	t := l.schema
	for i, part := range key {
		if t.Kind() != reflect.Struct {
			return ""
		}
		next, ok := lookup(t, key[i:i+1])
		if ok {
			t = next
			continue
		}
		names := make([]string, 0, t.NumField())
		for _, f := range fields(t) {
			names = append(names, f.name)
		}
		best := tomlerr.Closest(part, names...)
		if best == "" {
			return ""
		}
		fixed := append(append(append([]string(nil), key[:i]...), best), key[i+1:]...)
		return tomlerr.DidYouMean("", strings.Join(fixed, "."), "")
	}
	return ""
}

// place gives every error Validate returned its source: the last override
// that set the key, else the key's position in the file, else the position
// of its table's header, else the file alone.
func (l *loader) place(err error) error {
	errs := splitErrors(err)
	if len(errs) == 0 {
		return nil
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		if ce, ok := errors.AsType[*Error](e); ok && ce.Source == "" {
			c := *ce
			l.locate(&c)
			e = &c
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

func (l *loader) locate(e *Error) {
	for i := len(l.applied) - 1; i >= 0; i-- {
		ov := l.applied[i]
		if e.Key == ov.key {
			e.Source = "--config " + ov.text
			return
		}
	}
	e.Source = l.path
	p, ok := l.pos[e.Key]
	if !ok {
		if i := strings.LastIndexByte(e.Key, '.'); i > 0 {
			p, ok = l.pos[e.Key[:i]]
		}
	}
	if ok {
		e.Line, e.Column = p.Line, p.Column
	}
}

// keyPositions maps every dotted key in a valid document to the position of
// its value, and every table header to the position of its name.
func keyPositions(data []byte) map[string]tomlerr.Pos {
	pos := make(map[string]tomlerr.Pos)
	var p unstable.Parser
	p.Reset(data)
	lines := tomlerr.NewLines(data)
	at := func(n *unstable.Node) tomlerr.Pos { return lines.At(int(n.Raw.Offset)) }
	var walk func(prefix []string, kv *unstable.Node)
	walk = func(prefix []string, kv *unstable.Node) {
		key := append(append([]string(nil), prefix...), keyParts(kv.Key())...)
		v := kv.Value()
		if k := strings.Join(key, "."); pos[k] == (tomlerr.Pos{}) {
			// Arrays carry no range of their own: point at the key.
			if v.Raw.Length == 0 {
				it := kv.Key()
				it.Next()
				pos[k] = at(it.Node())
			} else {
				pos[k] = at(v)
			}
		}
		if v.Kind == unstable.InlineTable {
			for it := v.Children(); it.Next(); {
				if c := it.Node(); c.Kind == unstable.KeyValue {
					walk(key, c)
				}
			}
		}
	}
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyParts(e.Key())
			if k := strings.Join(table, "."); pos[k] == (tomlerr.Pos{}) {
				pos[k] = at(e.Child())
			}
		case unstable.KeyValue:
			walk(table, e)
		}
	}
	return pos
}

func keyParts(it unstable.Iterator) []string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}
