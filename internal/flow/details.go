package flow

import "context"

// Details is traefik, app, then accessory details (`mrsk details`).
func (s *Session) Details(ctx context.Context) error {
	if err := s.TraefikDetails(ctx); err != nil {
		return err
	}
	if err := s.AppDetails(ctx); err != nil {
		return err
	}
	return s.AccessoryDetails(ctx, "all")
}

// Audit prints the last 50 audit log lines of every app host.
func (s *Session) Audit(ctx context.Context) error {
	return s.showOn(ctx, s.Sel.Hosts(), "App", "", s.auditor().Reveal())
}
