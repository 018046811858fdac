package authz

import (
	"testing"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

// TestPermittedDefaultPolicy: a caller without a policy (a v2api.Dispatcher without
// a policy, say) is authorized by the built-in default, whose default
// user may subscribe (as on the Nano node) and which knows no other
// credentials.
func TestPermittedDefaultPolicy(t *testing.T) {
	topicConfirmationInfo, _ := api.LookupMessage(fb.MessageTopicConfirmation)
	for _, tt := range []struct {
		creds string
		want  bool
	}{
		{"", true},
		{"some-key", false},
	} {
		if got := Permitted(nil, nil, tt.creds, topicConfirmationInfo); got != tt.want {
			t.Errorf("Permitted(nil, nil, %q, TopicConfirmation) = %v, want %v", tt.creds, got, tt.want)
		}
	}
}
