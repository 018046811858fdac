package api

import (
	"fmt"

	"github.com/nipc/nipc/api/fb"
)

// Kind says how a union member is used.
type Kind uint8

// Kinds of messages.
const (
	KindRequest Kind = iota + 1 // a client may send it
	KindReply                   // only ever sent by the server in reply
	KindEvent                   // only ever pushed by the server
)

func (k Kind) String() string {
	switch k {
	case KindRequest:
		return "request"
	case KindReply:
		return "reply"
	case KindEvent:
		return "event"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MessageInfo is the registry entry of one member of the Message union.
type MessageInfo struct {
	Type fb.Message // union id (wire value)
	Name string     // union member name: the JSON message_type and the /api/v2/<Name> path
	Kind Kind
	// Allow lists the permissions any one of which (or PermUnrestricted)
	// allows a request. Empty for a request means always allowed (IsAlive);
	// replies and events are never accepted as requests.
	Allow []Permission
	// Reply is a request's successful reply type (failures are Error).
	Reply fb.Message
	// Event is what a Topic* request subscribes to.
	Event fb.Message
	// Node is true for the six requests the C++ node handles (and for the
	// node's reply and event types); false for what nipc appended.
	Node bool
}

// Open reports whether the message is a request that needs no permission.
func (m MessageInfo) Open() bool { return m.Kind == KindRequest && len(m.Allow) == 0 }

// Permitted reports whether a holder of the permissions has reports true for
// may send this message: it must be a request, and either open, or one of
// Allow or PermUnrestricted must be held.
func (m MessageInfo) Permitted(has func(Permission) bool) bool {
	if m.Kind != KindRequest {
		return false
	}
	if len(m.Allow) == 0 || has(PermUnrestricted) {
		return true
	}
	for _, p := range m.Allow {
		if has(p) {
			return true
		}
	}
	return false
}

func req(t fb.Message, reply fb.Message, allow ...Permission) MessageInfo {
	return MessageInfo{Type: t, Kind: KindRequest, Reply: reply, Allow: allow}
}

func rep(t fb.Message) MessageInfo { return MessageInfo{Type: t, Kind: KindReply} }

func node(m MessageInfo) MessageInfo { m.Node = true; return m }

func topic(m MessageInfo, ev fb.Message) MessageInfo { m.Event = ev; return m }

// The registry, indexed by union id. Note: the node itself never checks
// TopicConfirmation and TopicServiceStop; nipc requires their permissions.
var messages = []MessageInfo{
	fb.MessageError:                 node(rep(fb.MessageError)),
	fb.MessageSuccess:               node(rep(fb.MessageSuccess)),
	fb.MessageIsAlive:               node(req(fb.MessageIsAlive, fb.MessageIsAlive)),
	fb.MessageEventAck:              node(rep(fb.MessageEventAck)),
	fb.MessageBlockInfo:             node(rep(fb.MessageBlockInfo)),
	fb.MessageAccountWeight:         node(req(fb.MessageAccountWeight, fb.MessageAccountWeightResponse, PermAccountWeight, PermAccountQuery)),
	fb.MessageAccountWeightResponse: node(rep(fb.MessageAccountWeightResponse)),
	fb.MessageTopicConfirmation:     node(topic(req(fb.MessageTopicConfirmation, fb.MessageEventAck, PermTopicConfirmation), fb.MessageEventConfirmation)),
	fb.MessageEventConfirmation:     node(MessageInfo{Type: fb.MessageEventConfirmation, Kind: KindEvent}),
	fb.MessageServiceRegister:       node(req(fb.MessageServiceRegister, fb.MessageSuccess, PermServiceRegister, PermService)),
	fb.MessageServiceStop:           node(req(fb.MessageServiceStop, fb.MessageSuccess, PermServiceStop, PermService)),
	fb.MessageTopicServiceStop:      node(topic(req(fb.MessageTopicServiceStop, fb.MessageEventAck, PermTopicServiceStop), fb.MessageEventServiceStop)),
	fb.MessageEventServiceStop:      node(MessageInfo{Type: fb.MessageEventServiceStop, Kind: KindEvent}),

	fb.MessageAccountBalance:          req(fb.MessageAccountBalance, fb.MessageAccountBalanceResponse, PermAccountBalance, PermAccountQuery),
	fb.MessageAccountBalanceResponse:  rep(fb.MessageAccountBalanceResponse),
	fb.MessageAccountInfo:             req(fb.MessageAccountInfo, fb.MessageAccountInfoResponse, PermAccountInfo, PermAccountQuery),
	fb.MessageAccountInfoResponse:     rep(fb.MessageAccountInfoResponse),
	fb.MessageAccountHistory:          req(fb.MessageAccountHistory, fb.MessageAccountHistoryResponse, PermAccountHistory, PermAccountQuery),
	fb.MessageAccountHistoryResponse:  rep(fb.MessageAccountHistoryResponse),
	fb.MessageBlockInfoQuery:          req(fb.MessageBlockInfoQuery, fb.MessageBlockInfo, PermBlockInfo),
	fb.MessageBlockCount:              req(fb.MessageBlockCount, fb.MessageBlockCountResponse, PermBlockCount),
	fb.MessageBlockCountResponse:      rep(fb.MessageBlockCountResponse),
	fb.MessageRepresentatives:         req(fb.MessageRepresentatives, fb.MessageRepresentativesResponse, PermRepresentatives),
	fb.MessageRepresentativesResponse: rep(fb.MessageRepresentativesResponse),
	fb.MessageReceivable:              req(fb.MessageReceivable, fb.MessageReceivableResponse, PermReceivable, PermAccountQuery),
	fb.MessageReceivableResponse:      rep(fb.MessageReceivableResponse),
	fb.MessageVersion:                 req(fb.MessageVersion, fb.MessageVersionResponse, PermVersion),
	fb.MessageVersionResponse:         rep(fb.MessageVersionResponse),
	fb.MessageReload:                  req(fb.MessageReload, fb.MessageSuccess, PermReload),
}

var messagesByName = func() map[string]int {
	m := make(map[string]int, len(messages))
	for i := range messages {
		if i == 0 {
			continue
		}
		messages[i].Name = fb.EnumNamesMessage[messages[i].Type]
		m[messages[i].Name] = i
	}
	return m
}()

// Messages returns the registry in union-id order, NONE excluded.
func Messages() []MessageInfo {
	out := make([]MessageInfo, 0, len(messages)-1)
	for _, m := range messages[1:] {
		m.Allow = append([]Permission(nil), m.Allow...)
		out = append(out, m)
	}
	return out
}

// LookupMessage returns the entry for union id t; false for NONE and ids
// this schema does not know.
func LookupMessage(t fb.Message) (MessageInfo, bool) {
	if t == fb.MessageNONE || int(t) >= len(messages) {
		return MessageInfo{}, false
	}
	return messages[t], true
}

// LookupMessageName returns the entry for a union member name
// ("AccountWeight"); the match is exact.
func LookupMessageName(name string) (MessageInfo, bool) {
	i, ok := messagesByName[name]
	if !ok {
		return MessageInfo{}, false
	}
	return messages[i], true
}
