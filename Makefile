# The two README commands: `make demo` builds build/ for the demo people; `make test` runs every test.
# Both set everything up first (system packages when run as root, then a virtualenv in .venv).

VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := poppler-utils chromium fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-symbola

.PHONY: setup system demo test clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

setup: system $(VENV)/.installed

# poppler-utils (pdftoppm), chromium (browser tests) and the Noto fonts (scripts Atkinson Hyperlegible
# lacks: Arabic, Hebrew, Chinese ...; Symbola for emoji; embedded in the PDFs) come from Debian; skipped when present.
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

demo: setup
	$(VENV)/bin/packetgen build

test: setup
	$(PY) -m pytest

clean:
	rm -rf build $(VENV)
