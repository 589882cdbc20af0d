// Package env brings up the real multi-host environment the integration tests deploy to:
// N "vm" containers (sshd + their own dockerd, Docker-in-Docker) and a registry on a
// dedicated docker network, reached from this machine by SSH with verified host keys.
//
// Everything is built offline by ../images/build.sh (Debian base by debootstrap, apt in
// docker build, traefik and buildx from the Go module proxy); images are reused from the
// local engine when their input hash is unchanged.
//
// One image name everywhere: the registry is published on this machine as 127.0.0.1:P and
// every vm runs a socat forward from its own 127.0.0.1:P to the registry container, so the
// name localhost:P/app means the same registry for `docker push` here and `docker pull` on
// the hosts. localhost is always allowed over plain http by docker, so no daemon.json or
// /etc/hosts change is needed on this machine.
//
// Plain Docker Hub names also resolve on the hosts: their daemons use the registry as
// registry-mirror, and the env pushes traefik there as library/traefik:v2.11 (mrsk's default
// image) and as library/traefik:v2.9 (MRSK 0.13's), both our v2.11.35 build.
//
// Options.DockerAPIFloor makes the hosts' engines refuse Docker API versions below it, as
// Docker Engine 29 refuses everything below 1.44 (hosts then run Debian trixie's dockerd 26.1
// and the real Docker CLI 29, built from the module proxy, as their `docker`).
//
// The code needing docker/ssh carries the build tag integration; the pure helpers do not,
// so their unit tests run with plain `go test ./...`.
package env
