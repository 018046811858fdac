package natsbus

import (
	"strings"

	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ledger"
)

// Network is the only network nipc's ledger runs: its subject prefix and
// stream name are derived from it when the configuration leaves them
// empty.
const Network = "dev"

// Headers nipc sets on every confirmation it publishes.
const (
	// HeaderMsgID is JetStream's de-duplication id: the block hash.
	HeaderMsgID = "Nats-Msg-Id"
	// HeaderSequence is the confirmation sequence, in decimal.
	HeaderSequence = "Nano-Sequence"
	// HeaderExpectedLastSeq makes the stream refuse a message that does
	// not directly follow the one the publisher last saw acknowledged.
	HeaderExpectedLastSeq = "Nats-Expected-Last-Sequence"
	// HeaderAPIKey and HeaderCorrelationID carry a P.api.v2.<Message>
	// request's credentials and correlation id (fbjson's, as over HTTP).
	HeaderAPIKey        = fbjson.HeaderAPIKey
	HeaderCorrelationID = fbjson.HeaderCorrelationID
)

// Subjects names everything nipc publishes, answers or stores under one
// prefix.
type Subjects struct {
	Prefix string // e.g. "nano.dev"
	Stream string // e.g. "NANO_DEV_CONFIRMATIONS"
}

// SubjectsOf returns the subjects and stream of a [nats] table, deriving
// what it leaves empty from Network.
func SubjectsOf(c config.NATS) Subjects {
	s := Subjects{Prefix: c.SubjectPrefix, Stream: c.Stream}
	if s.Prefix == "" {
		s.Prefix = "nano." + Network
	}
	if s.Stream == "" {
		s.Stream = "NANO_" + strings.ToUpper(Network) + "_CONFIRMATIONS"
	}
	return s
}

// Confirmation is the subject of one confirmation:
// P.confirmation.<account>.<counterparty>, both nano_ addresses: the
// counterparty is a send's destination, a receive's source account, and
// the account itself for a change or epoch block.
func (s Subjects) Confirmation(c *ledger.Confirmation) string {
	other := c.Counterpart
	if c.Subtype != ledger.SubtypeSend && c.Subtype != ledger.SubtypeReceive {
		other = c.Account
	}
	return s.Prefix + ".confirmation." + c.Account.Account() + "." + other.Account()
}

// Confirmations is the stream's subject filter: P.confirmation.>.
func (s Subjects) Confirmations() string { return s.Prefix + ".confirmation.>" }

// API subjects: P.api.legacy, P.api.v2 and P.api.v2.<Message>.
func (s Subjects) APILegacy() string { return s.Prefix + ".api.legacy" }

// APIV2 is the subject of a v2 request in its JSON envelope.
func (s Subjects) APIV2() string { return s.Prefix + ".api.v2" }

// APIV2Message is the subject of a v2 message without envelope:
// P.api.v2.<name>, or the wildcard P.api.v2.* for name "*".
func (s Subjects) APIV2Message(name string) string { return s.Prefix + ".api.v2." + name }
