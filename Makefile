# pyctd — build, test, benchmark. `make` publishes the Native AOT binary to out/pyctd.
DOTNET ?= dotnet
CONFIG ?= Release
SOURCES := $(shell find Pyctd -name '*.cs' -o -name '*.csproj') Directory.Build.props global.json

.PHONY: all run deps test bench clean

all: out/pyctd

out/pyctd: $(SOURCES)
	$(DOTNET) publish Pyctd -c $(CONFIG) -o out --nologo
	@rm -f out/pyctd.dbg

# The README's first command: install what is missing, build, and run the main job (a demo on a lab namespace).
run: deps all
	scripts/demo

deps:
	scripts/install-deps

# Every test, unit and live-kernel (needs root), against the AOT binary.
test: deps all
	scripts/run-tests

# 200,000-flow benchmark against conntrack -L (needs root).
bench: deps all
	scripts/bench-list

clean:
	rm -rf out dist Pyctd/bin Pyctd/obj Pyctd.Tests/bin Pyctd.Tests/obj
