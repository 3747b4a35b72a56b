# Each target is a thin alias for the cargo command the README shows.
CARGO ?= cargo

.PHONY: tour shell test chapters exercise blank book bench fmt lint

# Every scene of every chapter, in the book's order.
tour:
	$(CARGO) run -q -p workspace-checks --bin tour -- $(CHAPTER)

# An interactive shell on a chapter's application, in real time: make shell CHAPTER=3 is
# cargo run -p super-duper (each chapter crate's binary is its shell).
CHAPTER_CRATES := calculator egg-timer super-duper dynamic-super
shell:
	@case "$(CHAPTER)" in 1|2|3|4) ;; *) echo "usage: make shell CHAPTER=1|2|3|4 (or cargo run -p <chapter crate>)"; exit 2;; esac
	$(CARGO) run -q -p $(word $(or $(filter 1 2 3 4,$(CHAPTER)),1),$(CHAPTER_CRATES))

# Everything CI runs: formatting, proof that otp-core alone builds tokio without its test
# utilities, lints, every test and doc test of the workspace (the chapters' drift check among
# them, and otp-core's distribution tests against a real erl), then proof that every exercise
# test fails without its solution.
test:
	$(CARGO) fmt --all -- --check
	CARGO="$(CARGO)" scripts/check-features
	$(CARGO) clippy --workspace --all-targets --features otp-core/dist -- -D warnings
	$(CARGO) test --workspace --features otp-core/dist
	CARGO="$(CARGO)" scripts/check-exercises

# One exercise: `make exercise NAME=egg-timer/cancel` runs its tests as the source is now, then
# takes its solution out and checks that its tests fail and every other test of the crate
# passes. Without NAME, lists the exercises.
exercise:
ifeq ($(NAME),)
	$(CARGO) run -q -p workspace-checks --bin exercise -- list
else
	CARGO="$(CARGO)" scripts/check-exercises $(NAME)
endif

# `make blank NAME=egg-timer/cancel`: our solution's bodies become todo!() (inside their
# teaching::solution! wrappers), for you to write your own.
blank:
	$(CARGO) run -q -p workspace-checks --bin exercise -- blank $(NAME)

# The chapters as an mdBook, in target/book/html (open index.html): sources written from
# chapters/, rendered, then every internal link checked. mdBook is installed into
# target/tools when the pinned version is not there.
MDBOOK_VERSION = 0.5.4
MDBOOK = target/tools/bin/mdbook
book:
	@$(MDBOOK) --version 2>/dev/null | grep -qx "mdbook v$(MDBOOK_VERSION)" || \
	  $(CARGO) install mdbook --locked --version $(MDBOOK_VERSION) --no-default-features \
	    --features search --root target/tools
	$(CARGO) run -q -p workspace-checks --bin book -- sources target/book/src
	$(MDBOOK) build book
	$(CARGO) run -q -p workspace-checks --bin book -- check target/book/html

# Rewrites every code and output block of chapters/*.md from the source its marker names,
# and draws the supervision-tree diagrams of chapters/diagrams again from the scenes.
chapters:
	$(CARGO) run -q -p workspace-checks --bin sync-chapters

# otp-core beside a bare tokio baseline, ractor, kameo and actix, measured in one run
# (BENCHMARKS.md explains the tables).
bench:
	$(CARGO) run --release --manifest-path bench/Cargo.toml

fmt:
	$(CARGO) fmt --all
	$(CARGO) fmt --manifest-path bench/Cargo.toml

lint:
	$(CARGO) clippy --workspace --all-targets --features otp-core/dist -- -D warnings
	$(CARGO) clippy --manifest-path bench/Cargo.toml --all-targets -- -D warnings
