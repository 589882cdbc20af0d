package flow

import (
	"context"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// RegistryLogin logs in locally, then on every app host. No lock.
func (s *Session) RegistryLogin(ctx context.Context) error {
	login, err := commands.NewRegistry(s.Cfg).Login()
	if err != nil {
		return err
	}
	if _, err := s.local(ctx, login, false); err != nil {
		return err
	}
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		return s.run(ctx, host, login)
	})
}

// RegistryLogout logs out on every app host (not locally).
func (s *Session) RegistryLogout(ctx context.Context) error {
	logout := commands.NewRegistry(s.Cfg).Logout()
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		return s.run(ctx, host, logout)
	})
}
