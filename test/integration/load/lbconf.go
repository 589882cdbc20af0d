package load

import (
	"fmt"
	"net"
	"strings"
)

// NginxConf renders the load balancer's nginx.conf: round robin over upstreams
// ("addr:port"), the shape of MRSK's own test load balancer. Only nginx's default
// proxy_next_upstream (error, timeout) applies: a host whose port is closed is skipped, but
// a 5xx from a host's Traefik is passed through, so the LB never hides a failed switch.
// Keep-alive to the upstreams mirrors a real LB and keeps old connections into Traefik open
// across a deploy, which is the harder case.
func NginxConf(upstreams []string) (string, error) {
	if len(upstreams) == 0 {
		return "", fmt.Errorf("load balancer: no upstreams; give the web hosts as addr:port")
	}
	var b strings.Builder
	b.WriteString(`worker_processes 2;
pid /run/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  upstream web {
`)
	for _, u := range upstreams {
		if _, _, err := net.SplitHostPort(u); err != nil {
			return "", fmt.Errorf("load balancer upstream %q: want addr:port (%v)", u, err)
		}
		// max_fails=0: nginx would otherwise mark a host down for 10 s after one
		// refused connection (e.g. while its Traefik is still starting) and answer
		// 502 itself for every request while both hosts are marked, which measures
		// nginx's memory, not the switch. Each request still tries every host.
		fmt.Fprintf(&b, "    server %s max_fails=0;\n", u)
	}
	b.WriteString(`    keepalive 32;
  }
  server {
    listen 80;
    location / {
      proxy_pass http://web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_connect_timeout 10s;
      proxy_send_timeout 10s;
      proxy_read_timeout 10s;
    }
  }
}
`)
	return b.String(), nil
}
