package service

import (
	"context"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/broker"
)

// permitted decides a subscription: a confirmation one as a v2
// TopicConfirmation would be; one to another WebSocket topic needs the
// topic's api_topic_<name> permission (broker.Topic.Permission) or
// api_topic_confirmation (which the default user holds: the node's
// WebSocket serves every topic to anyone), decided by authz.Permitted
// with the v2 handlers' policy.
func (l *Local) permitted(ctx context.Context, req SubscribeRequest) bool {
	t := req.Options.Topic
	if t == broker.TopicConfirmation {
		return l.V2.Permitted(ctx, req.Credentials, fb.MessageTopicConfirmation)
	}
	info := api.MessageInfo{Kind: api.KindRequest, Allow: []api.Permission{t.Permission(), api.PermTopicConfirmation}}
	return l.V2.PermittedInfo(ctx, req.Credentials, info)
}

// ErrTopicNotRelayed refuses a subscription to a topic other than
// confirmation on a gateway that relays a node's IPC events: the node's
// IPC (v2) has no message for the other WebSocket topics.
func ErrTopicNotRelayed(t broker.Topic) *api.Error {
	return &api.Error{Code: api.CodeGeneric, Message: "Topic " + t.String() + " is only served by the node's own WebSocket (the node's IPC does not carry it)"}
}
