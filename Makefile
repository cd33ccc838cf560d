# Async Python, hands-on: two commands for learners, a few more for maintainers.
#   make lab         set up .venv and open the course in JupyterLab, as a learner
#   make instructor  the same with nbgrader's instructor tools (Formgrader, Create Assignment)
#   make test        set up .venv and run the whole test suite
#   make bench       print the benchmark tables (server, lessons, grading)
#   make exercises   regenerate exercises/ from solutions/ (nbgrader generate_assignment)
#   make lessons     re-run every lesson and store its outputs
#   make links       rewrite the Binder links from the repository address in pyproject.toml
#   make navigation  write titles, times, contents and course maps from course.toml
#   make hub-demo    a JupyterHub classroom on this machine (root, Linux; docs/instructors.md)
#   make lint        ruff over code and notebooks, mypy --strict over helpers
#   make lock        pin dependencies again (constraints.txt, environment.yml)

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
# Notebooks run `!python ...` and nbgrader runs `alembic`: both must come from this environment.
export PATH := $(BIN):$(PATH)

.PHONY: lab instructor test bench exercises lessons links navigation hub-demo lint lock clean

# lab, instructor and test are scripts/course.py's commands, which also run without make.
COURSE_CLI := $(PYTHON) scripts/course.py

$(STAMP): pyproject.toml constraints.txt
	@$(COURSE_CLI) setup
	@touch $(STAMP)

lab:
	$(COURSE_CLI) lab

# Instructors and maintainers: JupyterLab with nbgrader's Formgrader and Create Assignment.
instructor:
	$(COURSE_CLI) instructor

test:
	$(COURSE_CLI) test

# The peer server of the benchmarks, httpbin as pytest-httpbin serves it, needs packages that clash
# with the course's own, so it gets an environment of its own.
HTTPBIN := .venv-httpbin/.installed

$(HTTPBIN):
	$(PYTHON) -m venv .venv-httpbin
	.venv-httpbin/bin/python -m pip install --quiet pytest-httpbin==2.1.0 pytest
	@touch $(HTTPBIN)

bench: $(STAMP) $(HTTPBIN)
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y -qq wrk >/dev/null || true
	$(BIN)/python -m benchmarks

exercises: $(STAMP)
	$(BIN)/python scripts/regenerate_exercises.py

lessons: $(STAMP)
	$(BIN)/python scripts/refresh_lessons.py

links: $(STAMP)
	$(BIN)/python scripts/binder_links.py
	$(BIN)/python scripts/regenerate_exercises.py

navigation: $(STAMP)
	$(BIN)/python scripts/course_navigation.py
	$(BIN)/python scripts/regenerate_exercises.py

# Instructors: try the course on JupyterHub with real users, as docs/instructors.md section 9 sets
# it up. Needs root and configurable-http-proxy (npm); Ctrl-C removes the users again.
hub-demo:
	$(PYTHON) scripts/hub_classroom.py demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lock: $(STAMP)
	$(BIN)/python scripts/lock_dependencies.py

clean:
	rm -rf $(VENV) gradebook.db submitted autograded feedback
