package commands

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The `--json` variants of the listings: the same docker command with
// `--format '{{json .}}'`, so docker itself prints each container or
// image as one line of JSON (its own field names: ID, Names, Image,
// State, Status, Labels…) and mrsk passes that structure on instead of
// parsing a table made for people.

// jsonFormat is docker's template for one JSON object per listed item. A
// constant, single-quoted: the shell passes it to docker as one word.
const jsonFormat = "'{{json .}}'"

// InfoJSON is Info (`app details`), one JSON object per container.
func (a App) InfoJSON() Cmd {
	return query("app.info_json", a.Info().Command.Add("--format", jsonFormat))
}

// ListContainersJSON is ListContainers (`app containers`), one JSON
// object per container.
func (a App) ListContainersJSON() Cmd {
	return query("app.list_containers_json", a.listContainers().Add("--format", jsonFormat))
}

// ListImagesJSON is ListImages (`app images`), one JSON object per image.
func (a App) ListImagesJSON() Cmd {
	return query("app.list_images_json", a.ListImages().Command.Add("--format", jsonFormat))
}

// InfoJSON is Info (`traefik details`), one JSON object per container.
func (t Traefik) InfoJSON() Cmd {
	return query("traefik.info_json", t.Info().Command.Add("--format", jsonFormat))
}

// InfoJSON is Info (`accessory details`), one JSON object per container.
func (a Accessory) InfoJSON() Cmd {
	return query("accessory.info_json", a.Info().Command.Add("--format", jsonFormat))
}

// Record is one object docker printed with `--format '{{json .}}'`, as
// docker named its fields.
type Record map[string]any

// ParseRecords reads the output of a JSON listing: one object per line;
// blank lines are skipped. Nothing listed is an empty (not nil) list.
func ParseRecords(out string) ([]Record, error) {
	records := []Record{}
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var r Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, &ListingError{Line: i + 1, Err: err}
		}
		records = append(records, r)
	}
	return records, nil
}

// ListingError is a JSON listing whose output is not one JSON object per
// line (a docker too old for `{{json .}}`, or something else printing
// on the host's stdout).
type ListingError struct {
	Line int
	Err  error
}

func (e *ListingError) Error() string {
	return fmt.Sprintf("docker's listing is not one JSON object per line (line %d: %v)", e.Line, e.Err)
}

func (e *ListingError) Unwrap() error { return e.Err }
