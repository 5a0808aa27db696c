#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster for the shared-store tests (if it is down),
# makes sure their role and database exist, and prints the URL to use:
#   export KOTAE_TEST_DATABASE_URL=$(bash scripts/test-postgres.sh)
set -euo pipefail
# Only the URL goes to stdout: notes from the cluster tools ("Removed stale pid
# file.") go to stderr, or they would become part of it.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
read -r version name port status < <(pg_lsclusters --no-header | awk 'NR==1 {print $1, $2, $3, $4}')
if [ -z "${version:-}" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if [ "$(id -u)" -eq 0 ]; then pg_createcluster "$version" main >/dev/null; else sudo pg_createcluster "$version" main >/dev/null; fi
  read -r version name port status < <(pg_lsclusters --no-header | awk 'NR==1 {print $1, $2, $3, $4}')
fi
start_cluster() {
  if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster "$version" "$name" start >&2; else sudo pg_ctlcluster "$version" "$name" start >&2; fi
}
if [ "$status" != "online" ]; then
  # A server that was killed leaves lock files behind; the second try finds them stale.
  start_cluster || { sleep 3; start_cluster; }
fi
as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -q <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kotae_test') THEN
    CREATE ROLE kotae_test LOGIN PASSWORD 'kotae_test';
  END IF;
END $$;
SELECT 'CREATE DATABASE kotae_test OWNER kotae_test'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'kotae_test') \gexec
SQL
echo "postgres://kotae_test:kotae_test@127.0.0.1:$port/kotae_test"
