// Command fasthttp-ceiling serves bench/nethttp-baseline's v2 AccountWeight
// work (encoding/json decode and check of {"account": ...}, an
// encoding/json envelope with a fixed weight stamped with the time) with
// github.com/valyala/fasthttp instead of net/http. It is not part of nipc
// and lives in a module of its own, so that nipc's go.mod does not carry
// fasthttp: it answers one question for docs/PERFORMANCE.md §5, how much of
// a gateway's throughput on this machine is the HTTP server's, by
// measuring the same handler on the fastest Go HTTP/1.1 server beside the
// net/http one (scripts/bench-http-cpu).
//
//	fasthttp-ceiling [-listen 127.0.0.1:0]
//
// It prints the address it listens on, one line on stdout, and serves until
// it is killed. Every POST answers as nethttp-baseline's
// /api/v2/AccountWeight does, whatever the path.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// testWeight is the peers harness's TestWeight, the weight of every account.
const testWeight = "668657804547735335568510480612620716"

type v2Request struct {
	Account string `json:"account"`
}

type v2Reply struct {
	Time        uint64   `json:"time"`
	MessageType string   `json:"message_type"`
	Message     v2Weight `json:"message"`
}

type v2Weight struct {
	VotingWeight string `json:"voting_weight"`
}

type errorReply struct {
	Error string `json:"error"`
}

// answer is nethttp-baseline's handleV2JSON.
func answer(body []byte) []byte {
	var req v2Request
	if err := json.Unmarshal(body, &req); err != nil {
		b, _ := json.Marshal(errorReply{Error: "Unable to parse JSON"})
		return b
	}
	if len(req.Account) != 65 || !strings.HasPrefix(req.Account, "nano_") {
		b, _ := json.Marshal(errorReply{Error: "Bad account number"})
		return b
	}
	b, _ := json.Marshal(v2Reply{Time: uint64(time.Now().UnixMilli()), MessageType: "AccountWeightResponse", Message: v2Weight{VotingWeight: testWeight}})
	return b
}

func serve(ctx *fasthttp.RequestCtx) {
	if !ctx.IsPost() {
		ctx.Error("POST only", fasthttp.StatusMethodNotAllowed)
		return
	}
	ctx.SetContentType("application/json")
	ctx.Write(answer(ctx.PostBody()))
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "host:port to listen on (port 0: a free one)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "fasthttp-ceiling: unexpected arguments: %s\n", strings.Join(flag.Args(), " "))
		os.Exit(2)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fasthttp-ceiling: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(l.Addr())
	s := &fasthttp.Server{Handler: serve, ReadTimeout: 30 * time.Second, MaxRequestBodySize: 16 << 20}
	if err := s.Serve(l); err != nil {
		fmt.Fprintf(os.Stderr, "fasthttp-ceiling: %v\n", err)
		os.Exit(1)
	}
}
