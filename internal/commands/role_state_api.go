package commands

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// RoleState's answers, read from the docker daemon's API instead of its CLI
// (remote.Pool.EngineGet): the same query, the same line per container, so
// one parser (ParseRoleState) reads both. The requests are paths a caller
// sends as they are: nothing here reaches a shell.

// RoleStateList is RoleState's `docker ps --all --quiet` with its filters,
// as the API's request: the role's containers in any state.
func (a App) RoleStateList() string {
	filters, _ := json.Marshal(map[string][]string{"label": a.labelFilters()})
	return "/containers/json?" + url.Values{"all": {"1"}, "filters": {string(filters)}}.Encode()
}

// ParseContainerIDs reads RoleStateList's answer: the containers' ids.
func ParseContainerIDs(body []byte) ([]string, error) {
	var list []struct {
		ID string `json:"Id"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("reading docker's container list: %w", err)
	}
	ids := make([]string, 0, len(list))
	for _, c := range list {
		if c.ID != "" {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

// InspectRequest is `docker inspect <id>` as the API's request.
func InspectRequest(id string) string { return "/containers/" + url.PathEscape(id) + "/json" }

// containerJSON is the part of docker's container inspect that
// roleStateFormat prints.
type containerJSON struct {
	Name    string
	Created string
	State   struct{ Status string }
	Mounts  []struct{ Source, Destination string }

	NetworkSettings struct {
		Networks map[string]struct{ IPAddress string }
	}
}

// RoleStateLine is the line roleStateFormat prints for one container, made
// from its inspect answer: name|state|created|cord|ips. The answer holds
// the container's whole config, its env (secrets) too: only these fields
// leave here.
func RoleStateLine(inspect []byte) (string, error) {
	var c containerJSON
	if err := json.Unmarshal(inspect, &c); err != nil {
		return "", fmt.Errorf("reading docker's container inspect: %w", err)
	}
	var cord string
	for _, m := range c.Mounts {
		if m.Destination == CordMount {
			cord += m.Source
		}
	}
	// the template ranges over the networks in key order
	names := make([]string, 0, len(c.NetworkSettings.Networks))
	for n := range c.NetworkSettings.Networks {
		names = append(names, n)
	}
	sort.Strings(names)
	var ips strings.Builder
	for _, n := range names {
		ips.WriteString(c.NetworkSettings.Networks[n].IPAddress + " ")
	}
	return strings.Join([]string{c.Name, c.State.Status, c.Created, cord, ips.String()}, "|"), nil
}
