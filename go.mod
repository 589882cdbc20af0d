module github.com/mrsk-go/mrsk

go 1.26.8

require (
	github.com/agnivade/levenshtein v1.2.2
	github.com/joho/godotenv v1.5.1
	github.com/kevinburke/ssh_config v1.6.0
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.9
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/crypto v0.59.0
	golang.org/x/mod v0.43.0
	golang.org/x/term v0.48.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
