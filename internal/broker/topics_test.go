package broker

import (
	"context"
	"testing"
	"time"
)

type chanSub chan *Event

func (c chanSub) Deliver(ev *Event, _ *Options) error { c <- ev; return nil }
func (c chanSub) Dropped(error)                       {}

// TestTopicCurrentAndFilters: a new subscription gets its topic's current
// state first; PublishTopic reaches only its topic's subscriptions, votes
// filtered by type and representative; confirmations never reach them.
func TestTopicCurrentAndFilters(t *testing.T) {
	b := New(nil, nil, 0)
	b.SetCurrent(TopicActiveDifficulty, func() any { return &Difficulty{Multiplier: 1} })
	ctx := t.Context()
	diff, votes := make(chanSub, 4), make(chanSub, 4)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b.Subscribe(ctx, Options{Topic: TopicActiveDifficulty}, diff).Start()
	b.Subscribe(ctx, Options{Topic: TopicVote}, votes).Start()
	next := func(c chanSub) *Event {
		select {
		case ev := <-c:
			return ev
		case <-time.After(5 * time.Second):
			t.Fatal("no event")
			return nil
		}
	}
	if ev := next(diff); ev.Topic() != TopicActiveDifficulty {
		t.Fatalf("first event %v", ev.Topic())
	}
	b.PublishTopic(TopicVote, &Vote{Type: "replay"})
	b.PublishTopic(TopicVote, &Vote{Type: "vote"})
	if v := next(votes).Payload().(*Vote); v.Type != "vote" {
		t.Fatalf("vote of type %s passed", v.Type)
	}
	if !b.Wants(TopicVote) || b.Wants(TopicWork) {
		t.Fatal("Wants")
	}
}
