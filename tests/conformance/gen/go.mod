module confwatch/tests/conformance/gen

go 1.19
