package server

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/ipc"
)

// HandlerFunc is a test Handler: f answers requests; refusals are rendered
// as the node's handler renders them.
type HandlerFunc func(ctx context.Context, enc ipc.Encoding, payload []byte, dst []byte) []byte

func (f HandlerFunc) Handle(ctx context.Context, enc ipc.Encoding, payload []byte, dst []byte) []byte {
	return f(ctx, enc, payload, dst)
}

func (f HandlerFunc) Refuse(enc ipc.Encoding, why Refusal, dst []byte) []byte {
	code := api.CodeGeneric
	if why == RefuseAccessCheck {
		code = api.CodeAccessDenied
	}
	env := api.ErrorEnvelope(&api.Error{Code: code, Message: why.Text()}, "", time.Now())
	switch enc {
	case ipc.EncodingFlatbuffers:
		b, _ := api.Encode(env)
		return append(dst, b...)
	case ipc.EncodingFlatbuffersJSON:
		b, _ := fbjson.RenderEnvelope(env)
		return append(dst, b...)
	}
	return append(dst, "{\n    \"error\": \""+why.Text()+"\"\n}\n"...)
}

// TestServerKnowsNoSchema: the IPC server renders no API message itself
// (Handler.Refuse does), so it does not depend on the API's packages.
func TestServerKnowsNoSchema(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch dep {
		case "github.com/nipc/nipc/api", "github.com/nipc/nipc/api/fbjson", "github.com/nipc/nipc/api/fb":
			t.Errorf("internal/server depends on %s", dep)
		}
	}
}
