package flow

import (
	"context"
)

// Step is one named phase of a flow. The runner prints Name (with "...")
// when the step starts: that is the one place a step's name is written,
// and the message the user reads. Where says which hosts it touches
// ("primary", "app hosts", "local", …) for the -v log and dry runs.
type Step struct {
	Name  string
	Where string
	Run   func(ctx context.Context) error
	// Skip, when set and true at run time, skips the step silently (a hook
	// that does not exist, an empty list).
	Skip func() bool
	// Quiet steps print their name only with -v: MRSK shows no message for
	// them, and their commands already say what they do.
	Quiet bool
}

// runSteps runs steps in order, stopping at the first failure, whose error
// is prefixed with the step's name (see inStep).
func (s *Session) runSteps(ctx context.Context, steps []Step) error {
	for _, st := range steps {
		if st.Skip != nil && st.Skip() {
			s.Out.Debug("step %s skipped", st.Name)
			continue
		}
		if st.Quiet && !s.DryRun {
			s.Out.Debug("%s... (%s)", st.Name, st.Where)
		} else {
			s.Out.Say("%s...", st.Name)
			s.Out.Debug("step %s (%s)", st.Name, st.Where)
		}
		if err := st.Run(ctx); err != nil {
			return inStep(st.Name, err)
		}
	}
	return nil
}

// steps is a flow made of steps, run as one function (for nesting).
func (s *Session) steps(steps ...Step) func(context.Context) error {
	return func(ctx context.Context) error { return s.runSteps(ctx, steps) }
}

// DryRunNotice opens a dry run's output.
const DryRunNotice = "Dry run: nothing will be changed on any host or here. Read-only queries (marked `query: ran`) run to decide what would happen; every other command is printed, not run."
