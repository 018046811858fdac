package node_test

import (
	"bufio"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

// pendingActions are documented actions nobody has implemented yet (issue
// 14): they still answer Unknown command. Remove a name when its action
// lands; the test fails while a name here is answered.
var pendingActions []string

// readDocumentedActions reads testdata/nano_rpc_actions.txt: the documented
// actions and the removed ones.
func readDocumentedActions(t *testing.T) (documented, removed []string) {
	t.Helper()
	f, err := os.Open("testdata/nano_rpc_actions.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "removed "):
			removed = append(removed, strings.TrimPrefix(line, "removed "))
		default:
			documented = append(documented, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(documented) < 100 || len(removed) == 0 {
		t.Fatalf("read %d documented and %d removed actions: the list is incomplete", len(documented), len(removed))
	}
	return documented, removed
}

// Every documented action that is not removed answers with something other
// than "Unknown command" (here with no parameters, enable_control on, in
// encoding 2 over a transport that allows unsafe actions); the removed ones
// and the pending ones still answer "Unknown command".
func TestDocumentedActions(t *testing.T) {
	documented, removed := readDocumentedActions(t)
	for _, p := range pendingActions {
		if !slices.Contains(documented, p) {
			t.Errorf("pending action %s is not documented", p)
		}
	}
	n := testenv.Start(t, testenv.Options{RPC: walletControlOn})
	cl := testenv.Dial(t, n, testenv.Transports[1]) // the Unix socket allows unsafe actions
	unknown := func(action string) bool {
		switch action {
		case "stop", "work_generate", "block_create", "send", "receive":
			// Answered: stop would end the node; the others generate work.
			return !slices.Contains(n.LegacyActions(), action)
		}
		_, err := cl.LegacyEncoding(ctx(t), ipc.EncodingJSONUnsafe, action, nil)
		if se, ok := errors.AsType[*client.ServerError](err); ok {
			return se.Text == rpc.TextUnknownCommand
		}
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		return false
	}
	for _, a := range documented {
		pending := slices.Contains(pendingActions, a)
		switch got := unknown(a); {
		case got && !pending:
			t.Errorf("%s: Unknown command; it is documented", a)
		case !got && pending:
			t.Errorf("%s is answered now: remove it from pendingActions", a)
		}
	}
	for _, a := range removed {
		if !unknown(a) {
			t.Errorf("%s is answered; the node removed it", a)
		}
	}
}
