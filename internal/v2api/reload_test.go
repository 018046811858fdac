package v2api

import (
	"context"
	"errors"
	"testing"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

// TestReloadHandler: a reload that applied everything answers Success with
// no message; one after which keys wait for a restart names them in the
// message; one that failed answers Error code 1 saying nothing changed.
func TestReloadHandler(t *testing.T) {
	tests := []struct {
		name    string
		restart []string
		err     error
		want    any
	}{
		{"all applied", nil, nil, &fb.SuccessT{}},
		{"keys wait", []string{"node.ipc.max_connections", "max_json_depth"}, nil,
			&fb.SuccessT{Message: "waiting for a restart: node.ipc.max_connections, max_json_depth"}},
		{"refused", nil, errors.New("config-access.toml:3:1: unknown permission"), &api.Error{Code: api.CodeGeneric,
			Message: "Reload refused, nothing changed: config-access.toml:3:1: unknown permission"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ReloadHandler(func() ([]string, error) { return tt.restart, tt.err })
			got, err := h(context.Background(), &fb.ReloadT{})
			if ae, ok := tt.want.(*api.Error); ok {
				var e *api.Error
				if !errors.As(err, &e) || e.Code != ae.Code || e.Message != ae.Message {
					t.Fatalf("got %v, %v; want the error %v", got, err, ae)
				}
				return
			}
			want := tt.want.(*fb.SuccessT)
			s, ok := got.(*fb.SuccessT)
			if err != nil || !ok || s.Message != want.Message {
				t.Fatalf("got %#v, %v; want %#v", got, err, want)
			}
		})
	}
	if _, err := ReloadHandler(func() ([]string, error) { return nil, nil })(context.Background(), &fb.BlockCountT{}); !errors.Is(err, api.ErrInvalidMessage) {
		t.Fatalf("a message of another type: %v, want ErrInvalidMessage", err)
	}
}
