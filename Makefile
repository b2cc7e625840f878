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

quickstart: ## the seed's tutorial end to end: control plane, cloudcore, an edge node, a workload, a twinned Modbus device
	hack/quickstart.sh up

down: ## stop and remove everything quickstart started
	hack/quickstart.sh down

status: ## what runs
	hack/quickstart.sh status

fmt: ## format the Java sources (spotless)
	hack/mvn.sh -B -q spotless:apply

clean: ## remove build output (not the control-plane cache)
	hack/mvn.sh -B -q clean
	rm -rf _output
