// Package load is the load tester of the zero-downtime tests: a constant stream of HTTP
// requests, spread over a few workers that use keep-alive connections and a few that open a
// fresh connection per request, against one or more targets (each host's Traefik, or the
// load balancer in front of them). Every request becomes a Record (when, which target,
// status, which app version answered, latency, transport error), and Summaries count them
// over time windows such as "during the switch".
//
// The generator, records and summaries are pure Go and tested against httptest servers.
// The parts that need docker (the nginx load balancer, the drain experiment) carry the
// build tag integration.
package load
