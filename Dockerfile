# mockcml: a local stand-in for the Cloudera Machine Learning REST API v2.
#
#   docker build -t mockcml .
#   docker run --rm -p 8080:8080 mockcml
#
# Every server setting is a MOCKCML_* environment variable (see docs/docker.md);
# the command below passes no flags, so `docker run -e MOCKCML_...` always wins.
FROM python:3.11.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged account that owns only the database volume.
RUN groupadd --system --gid 10001 mockcml \
    && useradd --system --no-log-init --uid 10001 --gid mockcml \
       --home-dir /home/mockcml --create-home --shell /usr/sbin/nologin mockcml \
    && mkdir -p /data \
    && chown mockcml:mockcml /data

WORKDIR /opt/mockcml

# The project's own metadata decides what gets installed.
COPY pyproject.toml README.md ./
COPY mockcml/ mockcml/
COPY openapi/ openapi/
COPY sdk/ sdk/
RUN pip install --no-cache-dir .

# Bundled demo world; bind-mount a directory of your own YAML over /fixtures to replace it.
COPY fixtures/ /fixtures/

ENV MOCKCML_HOST=0.0.0.0 \
    MOCKCML_PORT=8080 \
    MOCKCML_FIXTURES=/fixtures \
    MOCKCML_LOG_LEVEL=info

# State is in memory unless MOCKCML_DB points here, e.g. MOCKCML_DB=/data/mockcml.db.
VOLUME ["/data"]

USER 10001:10001
EXPOSE 8080

# The port is PID 1's --port when the command was given one (`docker run mockcml mockcml
# serve --port 9000`), else MOCKCML_PORT: the check probes where the server listens.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, re, urllib.request; line = '\\0' + open('/proc/1/cmdline', 'rb').read().decode(errors='replace'); flag = re.search('\\0--port(?:=|\\0)([0-9]+)', line); port = flag.group(1) if flag else os.environ.get('MOCKCML_PORT', '8080'); urllib.request.urlopen('http://127.0.0.1:%s/_mock/health' % port, timeout=4)"]

CMD ["mockcml", "serve"]
