# pgshift with PostgreSQL server binaries, so that `pgshift drift` and
# `pgshift diff --to schema.sql` start their own throw-away dev database
# and need no --dev-url in CI:
#
#   docker build -t pgshift .
#   docker run --rm -v "$PWD:/work" -w /work pgshift drift --url "$DATABASE_URL" --dir db/migrations
#
# PG_MAJOR is the dev server's major: use the production major or newer
# (a dev server older than the target database is refused). Debian trixie
# ships PostgreSQL 17.
ARG DEBIAN=trixie
FROM golang:1.26-${DEBIAN} AS build
ARG VERSION=dev
ARG COMMIT=
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/pgshift ./cmd/pgshift

FROM debian:${DEBIAN}-slim
ARG PG_MAJOR=17
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-${PG_MAJOR} postgresql-client-${PG_MAJOR} ca-certificates git \
 && rm -rf /var/lib/apt/lists/*
ENV PGSHIFT_PG_BIN=/usr/lib/postgresql/${PG_MAJOR}/bin
COPY --from=build /out/pgshift /usr/local/bin/pgshift
# pgshift runs the throw-away server as the postgres user when it runs as
# root; run as postgres directly.
USER postgres
ENTRYPOINT ["pgshift"]
