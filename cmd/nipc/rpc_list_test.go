package main

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated parts of docs/PROTOCOL.md")

const (
	tableBegin = "<!-- BEGIN ACTION TABLE (generated) -->\n"
	tableEnd   = "<!-- END ACTION TABLE -->"
)

// docs/PROTOCOL.md's action table is the registry's (nipc rpc --list);
// -update rewrites it.
func TestActionTableInProtocol(t *testing.T) {
	const path = "../../docs/PROTOCOL.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, tableBegin), strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q section", path, tableBegin, tableEnd)
	}
	want := doc[:i+len(tableBegin)] + actionTableMarkdown() + doc[j:]
	if want == doc {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the action table is not the registry's; run go test ./cmd/nipc -run TestActionTableInProtocol -update", path)
}
