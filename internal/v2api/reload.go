package v2api

import (
	"context"
	"strings"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

// TextReloadRefused begins the Error of a Reload that changed nothing.
const TextReloadRefused = "Reload refused, nothing changed: "

// TextReloadRestart begins the Success message of a Reload after which
// changed keys of the configuration files wait for a restart; the keys
// follow, comma-separated.
const TextReloadRestart = "waiting for a restart: "

// ReloadHandler answers Reload (permission api_reload) by calling reload:
// Success (its message, when reload names changed keys that wait for a
// restart, is TextReloadRestart and the keys), or Error 1 with the reason
// the reload was refused (a file that does not load; nothing changed).
func ReloadHandler(reload func() (restart []string, err error)) Handler {
	return typed(func(ctx context.Context, _ *fb.ReloadT) (any, error) {
		restart, err := reload()
		if err != nil {
			return nil, &api.Error{Code: api.CodeGeneric, Message: TextReloadRefused + err.Error()}
		}
		if len(restart) == 0 {
			return &fb.SuccessT{}, nil
		}
		return &fb.SuccessT{Message: TextReloadRestart + strings.Join(restart, ", ")}, nil
	})
}
