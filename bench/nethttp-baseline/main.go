// Command nethttp-baseline serves the peers harness's nethttp-tcp target
// (../shared/bench/peers: startServer's "nethttp-tcp" case, nethttpHandler
// and HandleJSON) as a process of its own, so that the nipc gateway can be
// measured against it by the same client in the same run
// (scripts/bench-gateway, nipc bench -url). It is a development tool, not
// part of nipc.
//
//	nethttp-baseline [-listen 127.0.0.1:0]
//
// It prints the address it listens on, one line on stdout, and serves until
// it is killed. Every POST to any path answers the account_weight request
// with a fixed weight; the checks and error texts are the harness's. A POST
// to /api/v2/AccountWeight is the same handler in the shape of nipc's v2
// gateway (scripts/bench-gateway API=v2): the body is the AccountWeight
// message, {"account": ...}, and the reply an Envelope carrying
// AccountWeightResponse, {"time": ..., "message_type":
// "AccountWeightResponse", "message": {"voting_weight": ...}}, both with
// encoding/json.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// maxBody is the harness's maxFrame: the most of a request body read.
const maxBody = 16 << 20

// testWeight is the harness's TestWeight, the weight of every account.
const testWeight = "668657804547735335568510480612620716"

type accountRequest struct {
	Action  string `json:"action"`
	Account string `json:"account"`
}

type weightReply struct {
	Weight string `json:"weight"`
}

type errorReply struct {
	Error string `json:"error"`
}

// handleJSON is the harness's HandleJSON: decode the request with
// encoding/json, check it, encode the reply with encoding/json.
func handleJSON(body []byte) []byte {
	var req accountRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return errorJSON("Unable to parse JSON")
	}
	if req.Action != "account_weight" {
		return errorJSON("Unknown command")
	}
	if !validAccount(req.Account) {
		return errorJSON("Bad account number")
	}
	b, _ := json.Marshal(weightReply{Weight: testWeight})
	return b
}

func errorJSON(text string) []byte {
	b, _ := json.Marshal(errorReply{Error: text})
	return b
}

// validAccount is the harness's check of an account.
func validAccount(a string) bool { return len(a) == 65 && strings.HasPrefix(a, "nano_") }

// v2Request is the body of POST /api/v2/AccountWeight.
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

// handleV2JSON is handleJSON for the v2 AccountWeight message: decode,
// check, encode a fixed reply envelope stamped with the time.
func handleV2JSON(body []byte) []byte {
	var req v2Request
	if err := json.Unmarshal(body, &req); err != nil {
		return errorJSON("Unable to parse JSON")
	}
	if !validAccount(req.Account) {
		return errorJSON("Bad account number")
	}
	b, _ := json.Marshal(v2Reply{Time: uint64(time.Now().UnixMilli()), MessageType: "AccountWeightResponse", Message: v2Weight{VotingWeight: testWeight}})
	return b
}

// handle is the harness's nethttpHandler.
func handle(w http.ResponseWriter, r *http.Request) {
	serve(w, r, handleJSON)
}

// handleV2 is handle for POST /api/v2/AccountWeight.
func handleV2(w http.ResponseWriter, r *http.Request) {
	serve(w, r, handleV2JSON)
}

// serve is the harness's nethttpHandler around answer.
func serve(w http.ResponseWriter, r *http.Request, answer func([]byte) []byte) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out := answer(body)
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "host:port to listen on (port 0: a free one)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "nethttp-baseline: unexpected arguments: %s\n", strings.Join(flag.Args(), " "))
		os.Exit(2)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "nethttp-baseline: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(l.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("/", handle)
	mux.HandleFunc("/api/v2/AccountWeight", handleV2)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 30 * time.Second}
	if err := hs.Serve(l); err != nil {
		fmt.Fprintf(os.Stderr, "nethttp-baseline: %v\n", err)
		os.Exit(1)
	}
}
