package commands

import (
	"errors"
	"strings"
	"testing"
)

func TestEnvFileRejectsWhatDockerWouldChange(t *testing.T) {
	for value, reason := range map[string]string{
		"a\nb":   "newline",
		"a\x00b": "NUL",
		"ab\r":   "carriage return",
		"\xff":   "UTF-8",
	} {
		cfg := loadConfig(t, baseConfig, map[string]string{"RAILS_MASTER_KEY": value, "MYSQL_ROOT_PASSWORD": "pw"})
		_, err := NewApp(cfg, "web").Run("")
		var fe *EnvFileError
		if !errors.As(err, &fe) || fe.Name != "RAILS_MASTER_KEY" || !strings.Contains(err.Error(), reason) {
			t.Errorf("value %q: err = %v, want an EnvFileError naming RAILS_MASTER_KEY (%s)", value, err, reason)
			continue
		}
		if strings.Contains(err.Error(), value) {
			t.Errorf("error shows the secret value: %v", err)
		}
	}
}

func TestEnvFileKeepsValuesLiterally(t *testing.T) {
	value := ` "quoted" $HOME ${X} ` + "`tick`\\ \u00e9 \t#x trailing "
	cfg := loadConfig(t, baseConfig, map[string]string{"RAILS_MASTER_KEY": value, "MYSQL_ROOT_PASSWORD": "pw"})
	run := must(NewApp(cfg, "web").Run(""))
	expectFiles(t, run, File{Path: ".mrsk/env/roles/app-web.env", Content: []byte("RAILS_MASTER_KEY=" + value + "\n"), Mode: 0o600})
}

func TestEnvFilePathsFollowDestinationAndKeepClearEnvInPlace(t *testing.T) {
	yml := strings.Replace(baseConfig, "env:\n  clear:\n    DB_HOST: 1.1.1.5\n  secret: [RAILS_MASTER_KEY]\n", "env:\n  clear:\n    A: 1\n  secret: [S1, S2, S1]\n", 1)
	cfg := loadConfig(t, yml, map[string]string{"S1": "one", "S2": "two", "MYSQL_ROOT_PASSWORD": "pw"})
	run := must(NewApp(cfg, "web").Run(""))
	if !strings.Contains(run.String(), ` --env-file .mrsk/env/roles/app-web.env -e A="1" `) || strings.Count(run.String(), "--env-file") != 1 {
		t.Errorf("run: %s", run.String())
	}
	expectFiles(t, run, File{Path: ".mrsk/env/roles/app-web.env", Content: []byte("S1=one\nS2=two\n"), Mode: 0o600})
	dirs := EnvDirsCommand(run.Files)
	expectLine(t, "dirs", dirs.String(), "mkdir -p .mrsk/env/roles .mrsk/env && chmod 700 .mrsk/env/roles .mrsk/env")
	if !EnvDirsCommand(nil).Empty() {
		t.Error("no files need no directories")
	}
}

func TestNoSecretsNoEnvFile(t *testing.T) {
	cfg := loadConfig(t, strings.Replace(baseConfig, "  secret: [RAILS_MASTER_KEY]\n", "", 1), map[string]string{"MYSQL_ROOT_PASSWORD": "pw"})
	run := must(NewApp(cfg, "web").Run(""))
	if len(run.Files) != 0 || strings.Contains(run.String(), "--env-file") {
		t.Errorf("run without secrets: %s, files %v", run.String(), run.Files)
	}
}
