#!/bin/sh
# PID 1 payload (under tini) of a vm container: sshd, then the vm's own dockerd.
# Env:
#   SSH_AUTHORIZED_KEYS  public key(s) allowed to log in as root
#   INSECURE_REGISTRY    host:port the inner dockerd may use over plain http (the env's registry)
#   REGISTRY_MIRROR      http URL used as registry-mirrors (plain Docker Hub names resolve offline)
#   REGISTRY_FORWARD     LPORT:HOST:PORT: socat on 127.0.0.1:LPORT -> HOST:PORT, so that the image
#                        name localhost:LPORT/... means the same registry here and on the deployer
set -eu
mkdir -p /run/sshd /root/.ssh && chmod 700 /root/.ssh
printf '%s\n' "${SSH_AUTHORIZED_KEYS:-}" > /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys
# host keys are made here, per container, so every vm has its own (the image has none)
ssh-keygen -A >/dev/null
/usr/sbin/sshd -E /var/log/sshd.log

if [ -n "${REGISTRY_FORWARD:-}" ]; then
  lport=${REGISTRY_FORWARD%%:*}
  socat "TCP-LISTEN:$lport,bind=127.0.0.1,fork,reuseaddr" "TCP:${REGISTRY_FORWARD#*:}" \
    >/var/log/registry-forward.log 2>&1 &
fi

mkdir -p /etc/docker
cat > /etc/docker/daemon.json <<JSON
{
  "insecure-registries": [${INSECURE_REGISTRY:+\"$INSECURE_REGISTRY\"}],
  "registry-mirrors": [${REGISTRY_MIRROR:+\"$REGISTRY_MIRROR\"}],
  "storage-driver": "overlay2",
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m", "max-file": "2"}
}
JSON

# Without --privileged (refused where dockerd's bounding set lacks a capability) /sys and the
# cgroup mounts are read-only; CAP_SYS_ADMIN lets us remount them rw. A plain remount of a
# cgroup-v1 controller fails with "busy", a bind remount works.
if grep -q ' /sys ro' /proc/self/mountinfo; then mount -o remount,rw /sys 2>/dev/null || true; fi
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
  # cgroup v2: move ourselves out of the root cgroup so controllers can be delegated (as dind does)
  mkdir -p /sys/fs/cgroup/init
  xargs -rn1 < /sys/fs/cgroup/cgroup.procs > /sys/fs/cgroup/init/cgroup.procs 2>/dev/null || true
  sed -e 's/ / +/g' -e 's/^/+/' < /sys/fs/cgroup/cgroup.controllers \
    > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
else
  for d in /sys/fs/cgroup/*/; do mount -o remount,bind,rw "$d" 2>/dev/null || true; done
fi
if [ -d /sys/kernel/security ] && ! mountpoint -q /sys/kernel/security; then
  mount -t securityfs none /sys/kernel/security 2>/dev/null || true
fi
mount --make-rshared / 2>/dev/null || true
# `docker restart` keeps the container fs: stale pid files would stop dockerd from starting
find /run /var/run -maxdepth 3 -iname '*.pid' \( -path '*docker*' -o -path '*containerd*' \) -delete 2>/dev/null || true
mountpoint -q /var/lib/docker || echo "vm-boot: WARNING /var/lib/docker is not a volume; overlay2 will fail" >&2
# dockerd in the foreground: if it dies the vm container exits, visibly
exec dockerd >> /var/log/dockerd.log 2>&1
