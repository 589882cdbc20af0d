package flow

import (
	"context"
	"fmt"
)

// Step is one named phase of a flow. Where says which hosts it touches
// ("primary", "app hosts", "local", …) for -v logging and plans.
type Step struct {
	Name  string
	Where string
	Run   func(ctx context.Context) error
}

// runSteps runs steps in order, stopping at the first failure, whose
// error is prefixed with the step's name (see inStep).
func (s *Session) runSteps(ctx context.Context, steps []Step) error {
	for _, st := range steps {
		s.Out.Debug("step %s (%s)", st.Name, st.Where)
		if err := st.Run(ctx); err != nil {
			return inStep(st.Name, err)
		}
	}
	return nil
}

// sequence runs steps in order, stopping at the first failure.
func sequence(steps ...func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, step := range steps {
			if err := step(ctx); err != nil {
				return err
			}
		}
		return nil
	}
}

// Plan renders steps as numbered lines for a dry run.
func Plan(steps []Step) []string {
	out := make([]string, len(steps))
	for i, st := range steps {
		out[i] = fmt.Sprintf("%2d. %s [%s]", i+1, st.Name, st.Where)
	}
	return out
}
