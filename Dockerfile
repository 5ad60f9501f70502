# hanchot: one image for the web app, the migrations and the scheduler (compose.yaml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed uid so volume ownership stays stable across rebuilds.
RUN groupadd --system --gid 10001 hanchot \
 && useradd --system --uid 10001 --gid hanchot --home-dir /app --no-create-home --shell /usr/sbin/nologin hanchot

WORKDIR /app

# hanchot is not a wheel (docs/architecture.md, "Layers"): install [project].dependencies only, read with tomllib like
# the Makefile does. Copied alone first so code changes do not reinstall the dependencies.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
print('\n'.join(deps))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The code stays owned by root (read-only for the service); only var/ (SQLite, .eml files) is writable.
COPY . .
RUN mkdir -p /app/var/mail && chown -R hanchot:hanchot /app/var

# Run as modules from /app so our top-level packages (config, scheduler, ...) are the ones imported.
ENV PYTHONPATH=/app

USER hanchot

EXPOSE 8000

# No curl in slim images: the standard library does the request; any error or non-200 exits non-zero.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

CMD ["python", "-m", "hanchot", "serve", "--host", "0.0.0.0", "--port", "8000"]
