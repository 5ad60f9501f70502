#!/usr/bin/env bash
# Installs what the tests need beyond Python packages. Idempotent; quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -f tests/js/package.json ] && ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
# tests/js pins ical.js (the feed tests) and axe-core (tests/web/test_web_accessibility.py).
if [ -f tests/js/package.json ] && { [ ! -d tests/js/node_modules/ical.js ] || [ ! -f tests/js/node_modules/axe-core/axe.min.js ]; }; then
  (cd tests/js && npm ci --no-audit --no-fund --silent)
fi
if [ -n "${HANCHOT_NEEDS_CHROMIUM:-}" ] || compgen -G 'tests/test_web_browser*.py' >/dev/null || compgen -G 'tests/web/test_web_browser*.py' >/dev/null; then
  if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
# LibreOffice converts the DOCX fixtures of tests/ingest/test_formats*.py to PDF; Liberation/DejaVu carry Vietnamese glyphs.
if ! command -v soffice >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui fonts-liberation2 fonts-dejavu-core >/dev/null
fi
# Tesseract with its Vietnamese data: tests/ingest/test_scanned_pdf.py reads a scanned plan through OCR.
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx vie; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-vie >/dev/null
fi
