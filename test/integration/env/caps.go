package env

import (
	"fmt"
	"strconv"
	"strings"
)

// capNames are the Linux capabilities by bit number (capability.h order).
var capNames = []string{"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
	"SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
	"NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT",
	"SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
	"SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
	"MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
	"PERFMON", "BPF", "CHECKPOINT_RESTORE"}

// vmRunFlags returns the docker run flags that give a vm what Docker-in-Docker needs.
//
// --privileged asks runc for every capability; where dockerd's bounding set lacks one (this
// machine lacks CAP_SYS_RESOURCE) it fails with "unable to apply caps: operation not
// permitted". Then the same effect is had with --cap-add ALL minus the missing caps and the
// security profiles off; the vm's boot script remounts /sys and the cgroups read-write.
//
// procStatus is the text of /proc/<pid>/status of a process with dockerd's bounding set,
// lastCap the content of /proc/sys/kernel/cap_last_cap.
func vmRunFlags(procStatus, lastCap string) ([]string, error) {
	var bnd uint64
	found := false
	for _, line := range strings.Split(procStatus, "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				return nil, fmt.Errorf("bad CapBnd line %q: %v", line, err)
			}
			bnd, found = n, true
		}
	}
	if !found {
		return nil, fmt.Errorf("no CapBnd line in /proc/self/status")
	}
	last, err := strconv.Atoi(strings.TrimSpace(lastCap))
	if err != nil {
		return nil, fmt.Errorf("bad cap_last_cap %q: %v", lastCap, err)
	}
	var missing []string
	for i := 0; i <= last && i < len(capNames); i++ {
		if bnd&(1<<uint(i)) == 0 {
			missing = append(missing, capNames[i])
		}
	}
	if len(missing) == 0 {
		return []string{"--privileged"}, nil
	}
	flags := []string{"--cap-add", "ALL"}
	for _, c := range missing {
		flags = append(flags, "--cap-drop", c)
	}
	return append(flags, "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
		"--security-opt", "systempaths=unconfined"), nil
}
