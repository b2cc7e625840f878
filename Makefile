# kubeedge-java. The two commands: `make quickstart` (run) and `make test` (test).
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help

.PHONY: help build test quickstart down status fmt clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

build: ## compile, unit-test-free package, and write the launchers to _output/bin
	hack/mvn.sh -B -ntp -q -DskipTests package
	hack/make-launchers.sh

test: ## every test: unit, fuzz regression, integration and end-to-end (real control plane)
	hack/test.sh

quickstart: ## install what is missing, build, and start the local control plane
	hack/quickstart.sh

down: ## stop everything quickstart started
	hack/cluster.sh down

status: ## what runs
	hack/cluster.sh status

fmt: ## format the Java sources (spotless)
	hack/mvn.sh -B -q spotless:apply

clean: ## remove build output (not the control-plane cache)
	hack/mvn.sh -B -q clean
	rm -rf _output
