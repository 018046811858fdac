package gateway

import "testing"

// A subscription message must never go over a pooled connection (the node
// would push events where later requests read their replies), so the
// shortcut that skips parsing must never miss one.
func TestMayBeStateful(t *testing.T) {
	for _, c := range []struct {
		envelope string
		want     bool
	}{
		{`{"message_type": "AccountWeight", "message": {"account": "nano_1"}}`, false},
		{`{"message_type": "TopicConfirmation", "message": {}}`, true},
		{`{"message_type": "TopicServiceStop", "message": {}}`, true},
		{`{"message_type": "ServiceRegister", "message": {"service_name": "x"}}`, true},
		{`{"message_type": "\u0054opicConfirmation", "message": {}}`, true},
		{`{"message_type": "AccountWeight", "message": {"account": "a\"b"}}`, true}, // any escape: parse
	} {
		if got := mayBeStateful([]byte(c.envelope)); got != c.want {
			t.Errorf("mayBeStateful(%s) = %v, want %v", c.envelope, got, c.want)
		}
	}
}
