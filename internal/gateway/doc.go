// Package gateway is nipc's HTTP(S) and WebSocket front of the node: the
// part of the Nano node's nano_rpc that speaks HTTP, in-process or as its own
// process ("nipc gateway").
//
// HTTP (spec §8.3, docs/GATEWAY.md): POST / is legacy JSON RPC (the node's
// RPC v1), POST /api/v2/<Name> wraps the body in an Envelope whose
// credentials and correlation_id come from the Nano-Api-Key and
// Nano-Correlation-Id headers, and POST /api/v2 takes a whole Envelope.
// OPTIONS answers with headers only; any other method gets
// {"error": "Can only POST requests"}. Every body is limited to
// max_request_size bytes and to max_json_depth opening brackets. The status
// is always 200, errors included, as with the node. Unlike the node, header
// values are JSON-escaped before they are spliced into the Envelope (a '"'
// in a header stays data), connections are kept alive, and HTTPS is served
// with a certificate that Reload swaps without dropping connections (TLS
// 1.2 with AEAD suites only, or TLS 1.3).
//
// Limits (config-rpc.toml, both ports): a request body must arrive within
// body_timeout plus body_timeout_per_mib per MiB (declared up front, or
// earned as a chunked body arrives), else the reply is {"error": "Timed out
// reading the request body"} and the connection is closed; a keep-alive
// connection idle for idle_timeout is closed; at most max_connections
// connections are open on each port, and one more is closed at once (after
// a 503 on plain HTTP) rather than left waiting in the backlog.
//
// Browsers (origin.go): a request's Host must be a name the gateway serves
// (loopback, the address the connection arrived on, the configured
// addresses, allowed_hosts), else 421: a page reaching the port through DNS
// rebinding gets nothing. A request whose Origin is neither the gateway's
// host nor listed in allowed_origins may call no control action (whatever
// enable_control and the backend) and acts on v2 as the default user, its
// credentials taken out; it may still read, with
// Access-Control-Allow-Origin: * as on the node.
//
// WebSocket (spec §7.5): the node's WebSocket API for every topic of the
// Nano WebSocket documentation (ws_topics.go, wsrender_topics.go; which
// ones fire on a single node: docs/GATEWAY.md "Topics"), on [node.websocket] address:port and at /websocket on the HTTP
// port: subscribe, update, unsubscribe and ping, with acks and the node's
// message shapes (time as a string, legacy JSON blocks with subtype).
// A subscribe is the service's Subscribe (service.SubscribeRequest: the
// credentials given in the upgrade's Nano-Api-Key header or the subscribe
// message's "api_key", and the options as broker.Options with the node's
// WebSocket rules, which the broker matches); the service decides whether
// the credentials hold api_topic_confirmation (the default user does
// unless the access file denies it) and whether all_local_accounts can be
// honoured. A refused subscribe gets the ack with the error when it asked
// for an ack, and no frame otherwise. update changes the subscription's
// accounts; unsubscribe closes it. A session holds one subscription per
// topic (each topic's own broker.Subscriber); the other topics need
// api_topic_<name> or api_topic_confirmation, and a separate gateway
// refuses them (its relay carries confirmations only).
// Browser pages may open the WebSocket only from the gateway's own host or
// from an origin that node.websocket.allowed_origins
// (Config.WebSocket.AllowedOrigins; by default loopback) lists; others get
// 403. The same matcher (originAllowed) decides for HTTP's allowed_origins.
//
// Where the answers come from is Config.Backend, a service.Service (the
// seam; the gateway calls nothing else and asserts no type on it), for
// HTTP requests and WebSocket subscriptions alike: the node's
// service.Local in-process, whose HTTP legacy requests arrive already
// parsed (service.Request.Tree) and whose subscriptions are the node's
// broker's, all_local_accounts asking the wallets; IPC talks to a node
// over its IPC port with a pool of connections (encoding 1 for legacy, 4
// for v2) and relays confirmations from one subscription per distinct
// credentials (the node checks them). That gateway cannot see the node's
// wallets, so for all_local_accounts it lets the node choose: while a
// session with some credentials asks for it, the relay keeps a second
// subscription with all_local_accounts set, and such a session gets that
// stream's events plus those of the first that its "accounts" pass, none
// twice (the two streams may interleave differently from the node's
// order). Both subscriptions are made again when the node restarts; a
// node that then refuses the credentials ends the sessions' subscriptions
// with an error message.
//
// Confirmations reach the WebSocket sessions as values, not as envelopes
// each session decodes: a session is a broker.Subscriber, delivered the
// broker.Event that all the confirmation's receivers share (in-process,
// the broker's; in a separate gateway, one the relay made of the node's
// event, decoded once per upstream subscription, with broker.NewEvent).
// Either way a confirmation message is rendered once per event and
// distinct (include_block, include_election_info), in the Event's cache,
// and the sessions with those options write the same bytes. The queue, the
// ack before the first event, and dropping a slow consumer (closed with
// 1008 "slow consumer") are the subscription's (broker.Subscription).
//
// Concurrency: a Server serves every connection on its own goroutine;
// Reload and Shutdown may be called from any goroutine. A WebSocket has one
// reader goroutine and writes through coder/websocket's locked writer, one
// message at a time, each write bounded by the write timeout (one timer per
// session, reset per message: a write still blocked when it fires closes
// the connection); a subscriber that cannot keep up is closed as a slow
// consumer, never waited for.
package gateway
