package flow

import "context"

// Details is traefik, app, then accessory details (`mrsk details`).
func (s *Session) Details(ctx context.Context) error {
	return sequence(s.TraefikDetails, s.AppDetails, s.AccessoryDetailsAll)(ctx)
}

// Audit prints the last 50 audit log lines of every app host.
func (s *Session) Audit(ctx context.Context) error {
	return s.showOn(ctx, s.Sel.Hosts(), "App", "", s.auditor().Reveal())
}
