package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// --json: the command prints one JSON document on stdout and nothing else
// there. Every line meant for people (step names, the execution log,
// build and hook output) goes to stderr instead, at the usual verbosity
// (-q silences it, -v adds the debug lines), so a script reads stdout
// while a person or a CI log still sees what happened. Errors go to
// stderr as always, and the exit status is non-zero when any host failed;
// the document still lists every host, with an "error" for those that did
// not answer. The flows return data (flow.HostAnswer, flow.LockState,
// flow.DeployResult); the documents are made here (json_docs.go).

// jsonFlag adds --json to c. With it, c refuses --dry-run (a dry run
// changes nothing, so it has no result to report) and moves the lines for
// people to stderr before anything runs.
func (a *App) jsonFlag(c *cobra.Command) {
	c.Flags().BoolVar(&a.JSON, "json", false, "Print one JSON document on stdout (one entry per host); progress and errors go to stderr")
	c.PreRunE = func(cmd *cobra.Command, _ []string) error {
		if !a.JSON {
			return nil
		}
		if f := cmd.Flags().Lookup("dry-run"); f != nil && f.Value.String() == "true" {
			return usagef("--json and --dry-run cannot be combined: a dry run changes nothing, so it has no result to report")
		}
		a.Out.ToStderr()
		return nil
	}
}

// withReport adds --json to c: with it, report runs instead of c's own
// command and its document is printed, also when some hosts failed (the
// error then goes to stderr and sets the exit status).
func (a *App) withReport(c *cobra.Command, report func(ctx context.Context, s *flow.Session, args []string) (any, error)) *cobra.Command {
	a.jsonFlag(c)
	human := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if !a.JSON {
			return human(cmd, args)
		}
		return a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
			doc, err := report(ctx, s, args)
			if doc != nil {
				if perr := a.printDocument(doc); perr != nil {
					return perr
				}
			}
			return err
		})(cmd, args)
	}
	return c
}

// reported prints, with --json, what a deploy, redeploy or rollback did
// (flow.DeployResult) after it returned err, and passes err on. version
// is the version it was to boot ("" for the session's).
func (a *App) reported(s *flow.Session, version string, err error) error {
	if !a.JSON {
		return err
	}
	if perr := a.printDocument(deployDocument(s.DeployResult(version, err), a.Out.Redact)); perr != nil {
		return perr
	}
	return err
}

// printDocument writes doc as one line of JSON on stdout. Its strings
// were scrubbed of secrets when the document was made.
func (a *App) printDocument(doc any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<none>" and "->" read as docker prints them
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("cannot encode the JSON document: %w", err)
	}
	a.Out.Document(b.Bytes())
	return nil
}
