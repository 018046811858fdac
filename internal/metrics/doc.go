// Package metrics is nipc's Prometheus instrumentation and health check.
//
// A Metrics holds one private registry per process (so that two nodes in
// one test binary never share counters) with the Go runtime and process
// collectors and nipc's own series:
//
//	nipc_requests_total{transport, api, name, outcome}      counter
//	nipc_request_duration_seconds{transport, api}           histogram
//	nipc_connections_accepted_total{transport}              counter
//	nipc_connections_open{transport}                        gauge
//	nipc_access_check_failures_total                        counter
//	nipc_reloads_total{outcome}                             counter
//	nipc_http_requests_total{api, outcome}                  counter
//	nipc_http_request_duration_seconds{api}                 histogram
//	nipc_websocket_sessions                                 gauge
//
// plus whatever the process adds with CounterFunc and GaugeFunc (the
// broker's subscribers, deliveries and slow-consumer drops; the ledger's
// block and account counts). transport is tcp, unix or gateway; api legacy
// or v2; name the action or message type, or "unknown" (so that the label
// set stays bounded whatever clients send); outcome ok, error or denied.
// Because every label set is bounded, the per-request series keep their
// children once made (children.go); a series appears in a scrape once
// something was recorded in it.
//
// Handler serves the text exposition at /metrics and a health check at
// /healthz: 200 "ok" while the process serves, 503 with the reason
// otherwise. Serve them on loopback: they are not authenticated.
package metrics
