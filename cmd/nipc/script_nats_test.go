package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// natsServerMain is the scripts' nats-server: the real server's main
// (nats-server/v2's main.go) on the embedded server, so that a documented
// `nats-server -js -p 4222 -sd DIR` line runs as typed, every flag of the
// real command line included, without installing the binary.
func natsServerMain() {
	fs := flag.NewFlagSet("nats-server", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: nats-server [-js] [-p port] [-a addr] [-sd store_dir] ... (nats-server --help_tls for TLS)")
	}
	opts, err := server.ConfigureOptions(fs, os.Args[1:], server.PrintServerAndExit, fs.Usage, server.PrintTLSHelpAndDie)
	if err != nil {
		server.PrintAndDie("nats-server: " + err.Error())
	}
	s, err := server.NewServer(opts)
	if err != nil {
		server.PrintAndDie("nats-server: " + err.Error())
	}
	s.ConfigureLogger()
	if err := server.Run(s); err != nil {
		server.PrintAndDie(err.Error())
	}
	s.WaitForShutdown()
}

// natsCLIMain is the scripts' nats: the few natscli (v0.4.0) commands
// docs/SCALING.md uses, with natscli's flags and the lines of its output
// the scripts look at, written with nats.go. The server is --server / -s,
// else $NATS_URL, else nats://127.0.0.1:4222, as natscli's.
//
//	nats stream info STREAM
//	nats consumer add STREAM NAME --defaults [--pull] [--ack POLICY] [--deliver POLICY] [--filter SUBJECT]...
//	nats consumer next STREAM NAME [--count N] [--no-ack] [--nak] [--raw]
//	nats consumer info STREAM NAME
//	nats req SUBJECT BODY [-H K:V]... [--raw]
func natsCLIMain() {
	if err := natsCLI(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "nats: error: %v\n", err)
		os.Exit(1)
	}
}

// natsArgs are a command line's positional arguments and flags.
type natsArgs struct {
	pos   []string
	flags map[string][]string
}

// natsBoolFlags take no value.
var natsBoolFlags = map[string]bool{"pull": true, "defaults": true, "ack": true, "no-ack": true, "nak": true, "raw": true}

func parseNATSArgs(args []string) (natsArgs, error) {
	a := natsArgs{flags: map[string][]string{}}
	// consumer add's --ack is a policy, consumer next's a switch.
	valued := len(args) >= 2 && args[0] == "consumer" && args[1] == "add"
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name, isFlag := strings.CutPrefix(arg, "--")
		if !isFlag && len(arg) == 2 && arg[0] == '-' {
			name, isFlag = map[byte]string{'s': "server", 'H': "header", 'r': "raw"}[arg[1]], true
			if name == "" {
				return a, fmt.Errorf("unknown short flag %s", arg)
			}
		}
		if !isFlag {
			a.pos = append(a.pos, arg)
			continue
		}
		name, value, hasValue := strings.Cut(name, "=")
		if natsBoolFlags[name] && !(valued && name == "ack") && !hasValue {
			value = "true"
		} else if !hasValue {
			if i+1 == len(args) {
				return a, fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			value = args[i]
		}
		a.flags[name] = append(a.flags[name], value)
	}
	return a, nil
}

// only refuses flags this stand-in does not know for the command.
func (a natsArgs) only(known ...string) error {
	for f := range a.flags {
		if f != "server" && !slices.Contains(known, f) {
			return fmt.Errorf("unknown flag --%s (this stand-in for natscli knows %s)", f, strings.Join(known, ", "))
		}
	}
	return nil
}

func (a natsArgs) last(name, def string) string {
	if v := a.flags[name]; len(v) > 0 {
		return v[len(v)-1]
	}
	return def
}

func natsCLI(args []string) error {
	a, err := parseNATSArgs(args)
	if err != nil {
		return err
	}
	url := a.last("server", os.Getenv("NATS_URL"))
	if url == "" {
		url = nats.DefaultURL
	}
	nc, err := nats.Connect(url, nats.Name("NATS CLI stand-in"))
	if err != nil {
		return fmt.Errorf("setup failed: %v", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd := strings.Join(a.pos[:min(2, len(a.pos))], " ")
	switch {
	case cmd == "stream info" && len(a.pos) == 3:
		return natsStreamInfo(ctx, js, a.pos[2], a)
	case cmd == "consumer add" && len(a.pos) == 4:
		return natsConsumerAdd(ctx, js, a.pos[2], a.pos[3], a)
	case cmd == "consumer next" && len(a.pos) == 4:
		return natsConsumerNext(ctx, js, a.pos[2], a.pos[3], a)
	case cmd == "consumer info" && len(a.pos) == 4:
		return natsConsumerInfo(ctx, js, a.pos[2], a.pos[3], a)
	case len(a.pos) == 3 && (a.pos[0] == "req" || a.pos[0] == "request"):
		return natsReq(nc, a.pos[1], a.pos[2], a)
	}
	return fmt.Errorf("unsupported command line %q: the stand-in knows stream info, consumer add/next/info and req", strings.Join(args, " "))
}

func natsStreamInfo(ctx context.Context, js jetstream.JetStream, name string, a natsArgs) error {
	if err := a.only(); err != nil {
		return err
	}
	s, err := js.Stream(ctx, name)
	if err != nil {
		return fmt.Errorf("could not request Stream info: %v", err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return err
	}
	c, st := info.Config, info.State
	fmt.Printf("Information for Stream %s created %s\n\n", c.Name, info.Created.Format(time.DateTime))
	row := func(k string, v any) { fmt.Printf("%22s: %v\n", k, v) }
	row("Subjects", strings.Join(c.Subjects, ", "))
	row("Replicas", c.Replicas)
	row("Storage", c.Storage)
	row("Duplicate Window", c.Duplicates)
	fmt.Println("\nState:")
	row("Messages", st.Msgs)
	row("Bytes", st.Bytes)
	row("First Sequence", st.FirstSeq)
	row("Last Sequence", st.LastSeq)
	row("Active Consumers", st.Consumers)
	return nil
}

func natsConsumerAdd(ctx context.Context, js jetstream.JetStream, stream, name string, a natsArgs) error {
	if err := a.only("pull", "ack", "deliver", "filter", "defaults"); err != nil {
		return err
	}
	if a.last("defaults", "") != "true" {
		return errors.New("without --defaults natscli asks for every option left out: this stand-in does not prompt")
	}
	if a.last("pull", "") != "true" {
		return errors.New("only --pull consumers")
	}
	cfg := jetstream.ConsumerConfig{Durable: name, AckPolicy: jetstream.AckExplicitPolicy, MaxDeliver: -1}
	switch p := a.last("ack", "explicit"); p {
	case "explicit":
	case "all":
		cfg.AckPolicy = jetstream.AckAllPolicy
	case "none":
		cfg.AckPolicy = jetstream.AckNonePolicy
	default:
		return fmt.Errorf("--ack %s: none, all or explicit", p)
	}
	switch p := a.last("deliver", "all"); p {
	case "all":
	case "new":
		cfg.DeliverPolicy = jetstream.DeliverNewPolicy
	case "last":
		cfg.DeliverPolicy = jetstream.DeliverLastPolicy
	default:
		seq, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return fmt.Errorf("--deliver %s: all, new, last or a stream sequence", p)
		}
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, seq
	}
	switch f := a.flags["filter"]; len(f) {
	case 0:
	case 1:
		cfg.FilterSubject = f[0]
	default:
		cfg.FilterSubjects = f
	}
	s, err := js.Stream(ctx, stream)
	if err != nil {
		return fmt.Errorf("could not load Stream %s: %v", stream, err)
	}
	c, err := s.CreateConsumer(ctx, cfg)
	if err != nil {
		return fmt.Errorf("Consumer creation failed: %v", err)
	}
	return printConsumer(ctx, c)
}

func natsConsumerInfo(ctx context.Context, js jetstream.JetStream, stream, name string, a natsArgs) error {
	if err := a.only(); err != nil {
		return err
	}
	c, err := js.Consumer(ctx, stream, name)
	if err != nil {
		return fmt.Errorf("could not load Consumer %s > %s: %v", stream, name, err)
	}
	return printConsumer(ctx, c)
}

// printConsumer prints natscli's consumer report, its main rows.
func printConsumer(ctx context.Context, c jetstream.Consumer) error {
	info, err := c.Info(ctx)
	if err != nil {
		return err
	}
	cfg := info.Config
	fmt.Printf("Information for Consumer %s > %s created %s\n\nConfiguration:\n\n", info.Stream, info.Name, info.Created.Format(time.DateTime))
	row := func(k string, v any) { fmt.Printf("%24s: %v\n", k, v) }
	row("Name", info.Name)
	row("Pull Mode", true)
	if cfg.FilterSubject != "" {
		row("Filter Subject", cfg.FilterSubject)
	}
	row("Deliver Policy", cfg.DeliverPolicy)
	row("Ack Policy", cfg.AckPolicy)
	row("Ack Wait", cfg.AckWait)
	fmt.Println("\nState:")
	row("Last Delivered Message", fmt.Sprintf("Consumer sequence: %d Stream sequence: %d", info.Delivered.Consumer, info.Delivered.Stream))
	row("Acknowledgment Floor", fmt.Sprintf("Consumer sequence: %d Stream sequence: %d", info.AckFloor.Consumer, info.AckFloor.Stream))
	row("Outstanding Acks", info.NumAckPending)
	row("Redelivered Messages", info.NumRedelivered)
	row("Unprocessed Messages", info.NumPending)
	return nil
}

func natsConsumerNext(ctx context.Context, js jetstream.JetStream, stream, name string, a natsArgs) error {
	if err := a.only("count", "ack", "no-ack", "nak", "raw"); err != nil {
		return err
	}
	count, err := strconv.Atoi(a.last("count", "1"))
	if err != nil || count < 1 {
		return fmt.Errorf("--count %s: a positive number", a.last("count", "1"))
	}
	ack, nak, raw := a.last("no-ack", "") != "true" && a.last("ack", "true") == "true", a.last("nak", "") == "true", a.last("raw", "") == "true"
	c, err := js.Consumer(ctx, stream, name)
	if err != nil {
		return fmt.Errorf("could not load consumer %q: %v", name, err)
	}
	for range count {
		batch, err := c.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			return fmt.Errorf("could not request next message: %v", err)
		}
		var msg jetstream.Msg
		for m := range batch.Messages() {
			msg = m
		}
		if msg == nil {
			if err := batch.Error(); err != nil {
				return fmt.Errorf("no message received: %v", err)
			}
			return errors.New("no message received: nats: timeout")
		}
		if raw {
			fmt.Println(string(msg.Data()))
		} else {
			md, err := msg.Metadata()
			if err != nil {
				return err
			}
			fmt.Printf("[%s] subj: %s / tries: %d / cons seq: %d / str seq: %d / pending: %d\n",
				time.Now().Format("15:04:05"), msg.Subject(), md.NumDelivered, md.Sequence.Consumer, md.Sequence.Stream, md.NumPending)
			fmt.Print("\nHeaders:\n\n")
			for k, vs := range msg.Headers() {
				for _, v := range vs {
					fmt.Printf("  %s: %s\n", k, v)
				}
			}
			fmt.Print("\nData:\n\n\n")
			fmt.Println(string(msg.Data()))
		}
		switch {
		case nak:
			err = msg.Nak()
		case ack:
			err = msg.Ack()
		}
		if err != nil {
			return fmt.Errorf("could not Acknowledge message: %v", err)
		}
		if !raw && (ack || nak) {
			fmt.Printf("\n%sAcknowledged message\n\n", map[bool]string{true: "Negative "}[nak])
		}
	}
	return nil
}

func natsReq(nc *nats.Conn, subject, body string, a natsArgs) error {
	if err := a.only("header", "raw"); err != nil {
		return err
	}
	msg := nats.NewMsg(subject)
	msg.Data = []byte(body)
	for _, h := range a.flags["header"] {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return fmt.Errorf("invalid header %q: K:V", h)
		}
		msg.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	raw := a.last("raw", "") == "true"
	if !raw {
		fmt.Fprintf(os.Stderr, "%s Sending request on %q\n", time.Now().Format("15:04:05"), subject)
	}
	start := time.Now()
	reply, err := nc.RequestMsg(msg, 5*time.Second)
	if errors.Is(err, nats.ErrNoResponders) {
		fmt.Fprintf(os.Stderr, "%s No responders are available\n", time.Now().Format("15:04:05"))
		return nil
	}
	if err != nil {
		return err
	}
	if !raw {
		fmt.Fprintf(os.Stderr, "%s Received with rtt %v\n", time.Now().Format("15:04:05"), time.Since(start))
	}
	fmt.Println(string(reply.Data))
	return nil
}
