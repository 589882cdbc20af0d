package cli

import (
	"errors"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/flow"
)

// The --json documents (json.go). Every string that came from a host is
// scrubbed of secrets here, as the printer scrubs host blocks.

// hostsDoc is the document of the per-host reports.
type hostsDoc struct {
	Hosts []*hostEntry `json:"hosts"`
}

// hostEntry is one host: its name, what it answered (the field of the
// command's report; `details` fills several) and, when it did not answer
// (or not to everything), the first failure there. A field is left out
// when the host was not asked for it or did not answer; an answer with
// nothing in it is an empty list.
type hostEntry struct {
	Host string `json:"host"`
	// audit
	Lines []string `json:"lines,omitzero"`
	// app containers, app images: docker's own JSON per container/image
	Containers []commands.Record `json:"containers,omitzero"`
	Images     []commands.Record `json:"images,omitzero"`
	// details, traefik details, app details, accessory details
	Traefik     []commands.Record            `json:"traefik,omitzero"`
	App         map[string][]commands.Record `json:"app,omitzero"`         // per role
	Accessories map[string][]commands.Record `json:"accessories,omitzero"` // per accessory
	// lock status
	Locked *bool    `json:"locked,omitzero"`
	Lock   *lockDoc `json:"lock,omitzero"`
	Error  string   `json:"error,omitempty"`
}

// lockDoc is a held deploy lock.
type lockDoc struct {
	Holder  string `json:"holder"`
	Time    string `json:"time,omitempty"` // RFC 3339, UTC; left out when unreadable
	Version string `json:"version"`
	Message string `json:"message"`
	// AgeSeconds is how long the lock has been held (left out with Time)
	AgeSeconds *int64 `json:"age_seconds,omitempty"`
}

// hostEntries collects entries in the order hosts first appear.
type hostEntries struct {
	list   []*hostEntry
	at     map[string]*hostEntry
	redact func(string) string
}

func newHostEntries(redact func(string) string) *hostEntries {
	return &hostEntries{list: []*hostEntry{}, at: map[string]*hostEntry{}, redact: redact}
}

func (e *hostEntries) of(host string) *hostEntry {
	if h, ok := e.at[host]; ok {
		return h
	}
	h := &hostEntry{Host: host}
	e.at[host] = h
	e.list = append(e.list, h)
	return h
}

func (e *hostEntries) doc() hostsDoc { return hostsDoc{Hosts: e.list} }

// failed records a host's failure; the first one stays.
func (e *hostEntries) failed(h *hostEntry, err error) {
	if h.Error == "" {
		h.Error = e.redact(err.Error())
	}
}

// addAnswers puts every host's answer into its entry with fill, or its
// failure.
func addAnswers[T any](e *hostEntries, answers []flow.HostAnswer[T], fill func(h *hostEntry, data T)) {
	for _, a := range answers {
		h := e.of(a.Host)
		if a.Err != nil {
			e.failed(h, a.Err)
			continue
		}
		fill(h, a.Data)
	}
}

func (e *hostEntries) records(rs []commands.Record) []commands.Record {
	out := make([]commands.Record, len(rs))
	for i, r := range rs {
		out[i] = e.scrub(r).(commands.Record)
	}
	return out
}

// scrub returns v with the secrets of every string in it redacted.
func (e *hostEntries) scrub(v any) any {
	switch t := v.(type) {
	case string:
		return e.redact(t)
	case commands.Record:
		out := make(commands.Record, len(t))
		for k, x := range t {
			out[k] = e.scrub(x)
		}
		return out
	case map[string]any:
		return map[string]any(e.scrub(commands.Record(t)).(commands.Record))
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = e.scrub(x)
		}
		return out
	}
	return v
}

func (e *hostEntries) lines(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = e.redact(l)
	}
	return out
}

func auditDocument(answers []flow.HostAnswer[[]string], redact func(string) string) hostsDoc {
	e := newHostEntries(redact)
	addAnswers(e, answers, func(h *hostEntry, ls []string) { h.Lines = e.lines(ls) })
	return e.doc()
}

func containersDocument(answers []flow.HostAnswer[flow.Listing], redact func(string) string) hostsDoc {
	e := newHostEntries(redact)
	addAnswers(e, answers, func(h *hostEntry, l flow.Listing) { h.Containers = e.records(l) })
	return e.doc()
}

func imagesDocument(answers []flow.HostAnswer[flow.Listing], redact func(string) string) hostsDoc {
	e := newHostEntries(redact)
	addAnswers(e, answers, func(h *hostEntry, l flow.Listing) { h.Images = e.records(l) })
	return e.doc()
}

func (e *hostEntries) addTraefik(answers []flow.HostAnswer[flow.Listing]) {
	addAnswers(e, answers, func(h *hostEntry, l flow.Listing) { h.Traefik = e.records(l) })
}

func (e *hostEntries) addApp(answers []flow.HostAnswer[[]flow.RoleContainers]) {
	addAnswers(e, answers, func(h *hostEntry, roles []flow.RoleContainers) {
		h.App = map[string][]commands.Record{}
		for _, r := range roles {
			h.App[r.Role] = e.records(r.Containers)
		}
	})
}

func (e *hostEntries) addAccessories(accs []flow.AccessoryAnswers) {
	for _, acc := range accs {
		addAnswers(e, acc.Hosts, func(h *hostEntry, l flow.Listing) {
			if h.Accessories == nil {
				h.Accessories = map[string][]commands.Record{}
			}
			h.Accessories[acc.Name] = e.records(l)
		})
	}
}

func traefikDetailsDocument(answers []flow.HostAnswer[flow.Listing], redact func(string) string) hostsDoc {
	e := newHostEntries(redact)
	e.addTraefik(answers)
	return e.doc()
}

func appDetailsDocument(answers []flow.HostAnswer[[]flow.RoleContainers], redact func(string) string) hostsDoc {
	e := newHostEntries(redact)
	e.addApp(answers)
	return e.doc()
}

func accessoryDetailsDocument(accs []flow.AccessoryAnswers, redact func(string) string) hostsDoc {
	e := newHostEntries(redact)
	e.addAccessories(accs)
	return e.doc()
}

// detailsDocument has one entry per host of Traefik, the app and the
// accessories, in the order `details` shows them.
func detailsDocument(d flow.DetailsData, redact func(string) string) hostsDoc {
	e := newHostEntries(redact)
	e.addTraefik(d.Traefik)
	e.addApp(d.App)
	e.addAccessories(d.Accessories)
	return e.doc()
}

func lockDocument(st flow.LockState, err error, redact func(string) string) hostsDoc {
	e := newHostEntries(redact)
	if st.Host == "" {
		return e.doc() // no primary host: nothing was asked
	}
	h := e.of(st.Host)
	if err != nil {
		e.failed(h, err)
		return e.doc()
	}
	held := st.Held
	h.Locked = &held
	if !held {
		return e.doc()
	}
	i := st.Info
	h.Lock = &lockDoc{Holder: redact(i.By), Version: redact(i.Version), Message: redact(i.Message)}
	if !i.At.IsZero() {
		age := int64(st.Age / time.Second)
		h.Lock.Time, h.Lock.AgeSeconds = i.At.UTC().Format(time.RFC3339), &age
	}
	return e.doc()
}

// deployDoc is what a deploy, redeploy or rollback did.
type deployDoc struct {
	Version string `json:"version"`
	// Outcome is "ok" or "failed"; Error says why it failed.
	Outcome string        `json:"outcome"`
	Error   string        `json:"error,omitempty"`
	Hosts   []*deployHost `json:"hosts"`
}

type deployHost struct {
	Host  string        `json:"host"`
	Roles []*deployRole `json:"roles"`
	// Error is the failure attributed to this host, if any.
	Error string `json:"error,omitempty"`
}

// deployRole is one role on one host. Before and After are null when no
// container ran (or the boot never got there to read it).
type deployRole struct {
	Role    string  `json:"role"`
	Before  *string `json:"before"`
	After   *string `json:"after"`
	Outcome string  `json:"outcome"` // switched, failed, not_started, put_back
}

func deployDocument(r flow.DeployResult, redact func(string) string) deployDoc {
	d := deployDoc{Version: r.Version, Outcome: "ok", Hosts: []*deployHost{}}
	byHost := map[string]string{}
	if r.Err != nil {
		d.Outcome, d.Error = "failed", redact(r.Err.Error())
		byHost = hostFailures(r.Err)
	}
	for _, h := range r.Hosts {
		dh := &deployHost{Host: h.Host, Roles: []*deployRole{}}
		if msg, ok := byHost[h.Host]; ok {
			dh.Error = redact(msg)
		}
		for _, role := range h.Roles {
			dh.Roles = append(dh.Roles, &deployRole{Role: role.Role, Before: nullable(role.Before),
				After: nullable(role.After), Outcome: string(role.Outcome)})
		}
		d.Hosts = append(d.Hosts, dh)
	}
	return d
}

// nullable is a version for the document: null for none.
func nullable(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// hostFailures are the messages of err's failures attributed to a host:
// each host's of a fan-out in which several failed, else the one host's.
func hostFailures(err error) map[string]string {
	out := map[string]string{}
	errs := []error{err}
	var many *flow.HostsError
	if errors.As(err, &many) {
		errs = many.Errs
	}
	for _, e := range errs {
		if h, failure := onHost(e); h != "" {
			out[h] = failure.Error()
		}
	}
	return out
}

// onHost is the failure in err attributed to a host, and the host (see
// cmdline.HostOf); "" when err names none.
func onHost(err error) (string, error) {
	var ee *cmdline.ExitError
	if errors.As(err, &ee) && ee.Host != "" {
		return ee.Host, ee
	}
	var he *cmdline.HostError
	if errors.As(err, &he) {
		return he.Host, he
	}
	return "", nil
}
