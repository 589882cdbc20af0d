package env

import (
	"reflect"
	"testing"
)

func TestVMRunFlags(t *testing.T) {
	full := "Name:\tx\nCapBnd:\t000001ffffffffff\n"
	got, err := vmRunFlags(full, "40\n")
	if err != nil || !reflect.DeepEqual(got, []string{"--privileged"}) {
		t.Fatalf("full set: got %v, %v; want --privileged", got, err)
	}
	// bit 24 (SYS_RESOURCE) missing, as on the machine this env was built on
	got, err = vmRunFlags("CapBnd:\t000001fffeffffff\n", "40")
	want := []string{"--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE", "--security-opt", "seccomp=unconfined",
		"--security-opt", "apparmor=unconfined", "--security-opt", "systempaths=unconfined"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("missing SYS_RESOURCE: got %v, %v; want %v", got, err, want)
	}
	// caps above cap_last_cap do not exist on the kernel and must not count as missing
	if got, _ := vmRunFlags("CapBnd:\t0000003fffffffff\n", "37"); !reflect.DeepEqual(got, []string{"--privileged"}) {
		t.Fatalf("older kernel: got %v", got)
	}
	if _, err := vmRunFlags("Name:\tx\n", "40"); err == nil {
		t.Fatal("no CapBnd line: want error")
	}
}
