package flow

import (
	"context"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// The *Data twins of the listing commands (answers.go): the same hosts
// asked, docker's JSON listings instead of its tables.

// Listing is the containers (or images) a host listed, as docker
// printed them.
type Listing = []commands.Record

// RoleContainers are the running containers of one role on a host.
type RoleContainers struct {
	Role       string
	Containers Listing
}

// AccessoryAnswers are one accessory's containers on each of its hosts.
type AccessoryAnswers struct {
	Name  string
	Hosts []HostAnswer[Listing]
}

// DetailsData is what `details` shows: Traefik, the app's roles and the
// accessories. Unlike Details it asks every part even when one fails.
type DetailsData struct {
	Traefik     []HostAnswer[Listing]
	App         []HostAnswer[[]RoleContainers]
	Accessories []AccessoryAnswers
}

// AuditData is Audit's answer: each app host's last audit lines.
func (s *Session) AuditData(ctx context.Context) ([]HostAnswer[[]string], error) {
	return askOn(ctx, s, s.Sel.Hosts(), s.auditor().Reveal(), lines)
}

// AppContainersData lists every container of the service per app host.
func (s *Session) AppContainersData(ctx context.Context) ([]HostAnswer[Listing], error) {
	return askOn(ctx, s, s.Sel.Hosts(), commands.NewApp(s.Cfg, "").ListContainersJSON(), commands.ParseRecords)
}

// AppImagesData lists the service's images per app host.
func (s *Session) AppImagesData(ctx context.Context) ([]HostAnswer[Listing], error) {
	return askOn(ctx, s, s.Sel.Hosts(), commands.NewApp(s.Cfg, "").ListImagesJSON(), commands.ParseRecords)
}

// AppDetailsData lists each role's running containers per app host.
func (s *Session) AppDetailsData(ctx context.Context) ([]HostAnswer[[]RoleContainers], error) {
	return askEach(ctx, s, s.Sel.Hosts(), func(ctx context.Context, host string) ([]RoleContainers, error) {
		roles := []RoleContainers{}
		for _, role := range s.Sel.RolesOn(host) {
			out, err := s.capture(ctx, host, commands.NewApp(s.Cfg, role.Name).InfoJSON())
			if err != nil {
				return roles, err
			}
			cs, err := commands.ParseRecords(out)
			if err != nil {
				return roles, err
			}
			roles = append(roles, RoleContainers{Role: role.Name, Containers: cs})
		}
		return roles, nil
	})
}

// TraefikDetailsData lists the Traefik container per Traefik host.
func (s *Session) TraefikDetailsData(ctx context.Context) ([]HostAnswer[Listing], error) {
	return askOn(ctx, s, s.Sel.TraefikHosts(), commands.NewTraefik(s.Cfg).InfoJSON(), commands.ParseRecords)
}

// AccessoryDetailsData lists the container of NAME (or of every accessory,
// "all") on its hosts. An unknown name fails before any host is asked.
func (s *Session) AccessoryDetailsData(ctx context.Context, name string) ([]AccessoryAnswers, error) {
	accs, err := s.accessoriesNamed(name, true)
	if err != nil {
		return nil, err
	}
	out := make([]AccessoryAnswers, 0, len(accs))
	var errs []error
	for _, acc := range accs {
		hosts, err := acc.Hosts()
		if err != nil {
			return out, err
		}
		answers, err := askOn(ctx, s, hosts, commands.AccessoryFor(s.Cfg, acc).InfoJSON(), commands.ParseRecords)
		out = append(out, AccessoryAnswers{Name: acc.Name, Hosts: answers})
		errs = append(errs, err)
	}
	return out, combineByHost(errs...)
}

// DetailsData asks for Traefik, app and accessory details; the error
// combines the parts' failures, one per host.
func (s *Session) DetailsData(ctx context.Context) (DetailsData, error) {
	var d DetailsData
	var terr, aerr, xerr error
	d.Traefik, terr = s.TraefikDetailsData(ctx)
	d.App, aerr = s.AppDetailsData(ctx)
	d.Accessories, xerr = s.AccessoryDetailsData(ctx, "all")
	return d, combineByHost(terr, aerr, xerr)
}
