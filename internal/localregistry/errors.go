package localregistry

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// PortInUseError is the push face's port already taken on this machine.
type PortInUseError struct {
	Port int
	Err  error
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d is already in use on this machine (127.0.0.1:%d): mrsk serves the image there "+
		"while pushing (registry.server localhost:%d); stop what uses it or choose another port", e.Port, e.Port, e.Port)
}

func (e *PortInUseError) Unwrap() error { return e.Err }

// refuse answers with a registry error body (the distribution spec's
// {"errors":[{"code","message"}]}), which docker shows to the user.
func refuse(w http.ResponseWriter, status int, code, msg string) {
	type diag struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Errors []diag `json:"errors"`
	}{[]diag{{code, msg}}})
}
