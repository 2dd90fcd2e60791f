# The Propylon Community Edition image, built from this repository with docker or podman, as
# KrakenD CE's Dockerfile builds its binary:
#
#   podman build -t propylon/ce .
#   podman run --rm --network host -v ./gateway.json:/etc/propylon/gateway.json propylon/ce
#
# The first stage runs the assembler on editions/ce (hash-checked lock, reproducible wheels);
# the second installs the resulting wheelhouse only. BASE needs python3 with its venv module:
# on a machine with no registry, scripts/containers.sh imports one as the default below.
# Behind a TLS-intercepting proxy, lend the build the host's CA bundle:
#   podman build -v /etc/ssl/certs:/etc/ssl/certs:ro \
#     --build-arg PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
#     --build-arg SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt -t propylon/ce .
ARG BASE=localhost/debian-python:bookworm

FROM ${BASE} AS build
ARG PIP_CERT
ARG SSL_CERT_FILE
WORKDIR /src
COPY pyproject.toml README.md ./
COPY assembler assembler
COPY core core
COPY modules modules
COPY editions/ce editions/ce
RUN python3 -m venv /assembler \
 && /assembler/bin/pip install --no-cache-dir --disable-pip-version-check --quiet . \
 && SOURCE_DATE_EPOCH=315532800 /assembler/bin/assemble build editions/ce/manifest.toml \
      --locked --no-image --out /dist

FROM ${BASE}
COPY --from=build /dist/wheelhouse /tmp/wheelhouse
COPY --from=build /dist/requirements.txt /tmp/wheelhouse/requirements.txt
RUN python3 -m venv /opt/propylon-ce \
 && /opt/propylon-ce/bin/pip install --no-index --no-cache-dir --disable-pip-version-check \
      --quiet --find-links /tmp/wheelhouse --require-hashes -r /tmp/wheelhouse/requirements.txt \
 && rm -rf /tmp/wheelhouse
COPY editions/ce/gateway.json /etc/propylon/gateway.json
ENV PATH=/opt/propylon-ce/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    VIRTUAL_ENV=/opt/propylon-ce \
    PYTHONUNBUFFERED=1 \
    LANG=C.UTF-8
LABEL org.opencontainers.image.title="propylon-ce" \
      org.opencontainers.image.description="Propylon Community Edition" \
      org.opencontainers.image.version="0.1.0"
USER 65534:65534
EXPOSE 8080
ENTRYPOINT ["/opt/propylon-ce/bin/propylon-ce"]
CMD ["run", "-c", "/etc/propylon/gateway.json"]
