package node_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/rpc"
)

// untranscribedActions are the registered legacy actions no transcript
// can play deterministically, each with why. None today: even stop is
// played (stop.txt, last request on a node of its own).
var untranscribedActions = map[string]string{}

// requestAction finds the action of a transcript's request line, whether
// or not the rest of the request is valid JSON.
var requestAction = regexp.MustCompile(`(?m)^--> .*"action":\s*"([a-z0-9_]+)"`)

// TestTranscriptsCoverActions: every registered legacy action (the
// registry nipc rpc --list prints) is requested by some legacy transcript
// that runs it (with !enable_control for a control action: a refusal does
// not count), but for untranscribedActions, which are all registered and
// run by none.
func TestTranscriptsCoverActions(t *testing.T) {
	files, _ := filepath.Glob("testdata/transcripts/legacy/*.txt")
	played := map[string]bool{}
	for _, file := range files {
		tr := readTranscript(t, file)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range requestAction.FindAllSubmatch(data, -1) {
			if a := string(m[1]); tr.enableControl || !rpc.IsControl(a, ptree.New()) {
				played[a] = true
			}
		}
	}
	reg := rpc.NewRegistry()
	rpc.RegisterLegacy(reg, rpc.LegacySet{})
	registered := map[string]bool{}
	for _, a := range reg.Names() {
		registered[a] = true
		if _, exempt := untranscribedActions[a]; !exempt && !played[a] {
			t.Errorf("%s: in no testdata/transcripts/legacy/*.txt", a)
		}
	}
	for a := range untranscribedActions {
		if !registered[a] || played[a] {
			t.Errorf("%s is exempted from transcripts but is not registered or is transcribed", a)
		}
	}
}
