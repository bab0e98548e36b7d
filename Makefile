# SPDX-License-Identifier: EUPL-1.2
#
# Two commands for users (see README.md):
#   make demo    install what is missing, build, start the demo server and client
#   make check   install what the tests need, build, run every test suite
# Helpers:
#   make stop    stop what `make demo` started
#   make bench   run the sync benchmark (bench/run-sync.sh)
#   make bench-bot  run the FAQ matcher benchmark against NLP.js (bench/bot/run-bot.sh)
#   make bench-inbox  the feedback inbox's list over 100 000 items (bench/README.md)
#   make build   configure (once) and compile into $(BUILD)
#   make clean   stop the demo, remove the build and demo directories

BUILD ?= build
MESON ?= meson

.PHONY: demo check stop bench bench-bot bench-inbox build deps test-deps clean help

help:
	@sed -n '3,12p' Makefile | sed 's/^# //'

deps:
	scripts/install-deps.sh

test-deps:
	scripts/install-deps.sh --tests

build:
	@if [ ! -f "$(BUILD)/build.ninja" ]; then \
	  if [ -d "$(BUILD)" ]; then $(MESON) setup --wipe "$(BUILD)"; \
	  else $(MESON) setup "$(BUILD)"; fi; \
	fi
	$(MESON) compile -C "$(BUILD)"

demo: deps
	$(MAKE) --no-print-directory build
	scripts/demo.sh start "$(BUILD)"

check: test-deps
	$(MAKE) --no-print-directory build
	$(MESON) test -C "$(BUILD)" --print-errorlogs

stop:
	scripts/demo.sh stop

bench: deps
	$(MAKE) --no-print-directory build
	BUILD_DIR="$(BUILD)" bash bench/run-sync.sh

bench-bot: deps
	$(MAKE) --no-print-directory build
	BUILD_DIR="$(BUILD)" bash bench/bot/run-bot.sh

bench-inbox: deps
	$(MAKE) --no-print-directory build
	ninja -C "$(BUILD)" bench/bench-inbox
	"$(BUILD)/bench/bench-inbox"

clean: stop
	rm -rf "$(BUILD)" demo
