# syntax=docker/dockerfile:1
# mdm-hub GraphQL API. Store chosen by MDM_STORE: embedded (SQLite file under /data) or neo4j.
#   docker build -t mdm-hub .
#   docker run --rm -p 127.0.0.1:8000:8000 -v mdm-data:/data mdm-hub

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# The whole (.dockerignore-filtered) context: the build needs pyproject.toml, README.md, src/.
COPY . .
# The package carries its Cypher, rule, reference and mapping files (mdm_hub/shipped/).
RUN --mount=type=cache,target=/root/.cache/pip pip install .

FROM python:3.11-slim
# The default ./mdm-hub.db would land in /app, which the service user cannot write, hence
# MDM_EMBEDDED_PATH on the /data volume.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    MDM_EMBEDDED_PATH=/data/mdm-hub.db
RUN groupadd --system --gid 10001 mdm \
 && useradd --system --uid 10001 --gid mdm --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin mdm \
 && mkdir -p /data \
 && chown mdm:mdm /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER mdm
VOLUME ["/data"]
EXPOSE 8000
# No curl in slim images; urlopen raises (exit 1) on a refused connection or a non-2xx answer.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('MDM_PORT', '8000'), timeout=4)" || exit 1
# Exec form: the server is PID 1 and gets SIGTERM from `docker stop` for a clean shutdown.
CMD ["mdm-hub", "serve", "--host", "0.0.0.0"]
