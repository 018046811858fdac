package gateway

import "testing"

// TestWebSocketDefaultPolicy: a gateway without Config.Policy authorizes
// subscriptions with the built-in default, whose default user may
// subscribe (as on the Nano node) and which knows no other credentials.
func TestWebSocketDefaultPolicy(t *testing.T) {
	for _, tt := range []struct {
		creds string
		want  bool
	}{
		{"", true},
		{"some-key", false},
	} {
		if got := defaultPolicy.Permitted(tt.creds, topicConfirmationInfo); got != tt.want {
			t.Errorf("Permitted(%q, TopicConfirmation) = %v, want %v", tt.creds, got, tt.want)
		}
	}
}
