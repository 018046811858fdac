package natsgw

import (
	"context"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
)

// authorize asks the node whether credentials may subscribe to
// confirmations: a TopicConfirmation over P.api.v2 is authorized first
// (api_topic_confirmation), then refused for want of a connection. Access
// denied is api.ErrAccessDenied; any other answer allows.
func (s *Service) authorize(ctx context.Context, credentials string) error {
	body := fbjson.AppendEnvelope(nil, credentials, "", "TopicConfirmation", []byte("{}"))
	reply, err := s.request(ctx, s.subj.APIV2(), body)
	if err != nil {
		return err
	}
	env, err := fbjson.ParseEnvelope(reply, fbjson.Options{})
	if err != nil || env.Message == nil || env.Message.Type != fb.MessageError {
		return nil
	}
	if e, ok := env.Message.Value.(*fb.ErrorT); ok && e.Code == int32(api.CodeAccessDenied) {
		return api.ErrAccessDenied
	}
	return nil
}
