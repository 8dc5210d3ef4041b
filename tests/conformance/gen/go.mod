module confwatch/tests/conformance/gen

go 1.19

// Sprig and its dependencies as Debian installs them under
// /usr/share/gocode/src (golang-github-masterminds-sprig-dev): vendor/ holds
// symlinks there, so builds use -mod=vendor and never the network. The
// versions are sprig's go.mod requirements, not necessarily Debian's.
require (
	github.com/Masterminds/sprig/v3 v3.2.3
	github.com/Masterminds/goutils v1.1.1
	github.com/Masterminds/semver/v3 v3.2.0
	github.com/google/uuid v1.1.1
	github.com/huandu/xstrings v1.3.3
	github.com/imdario/mergo v0.3.11
	github.com/mitchellh/copystructure v1.0.0
	github.com/mitchellh/reflectwalk v1.0.0
	github.com/shopspring/decimal v1.2.0
	github.com/spf13/cast v1.3.1
	golang.org/x/crypto v0.3.0
	gopkg.in/yaml.v2 v2.4.0
)
