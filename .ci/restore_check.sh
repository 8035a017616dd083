#!/usr/bin/env bash
# Backup and restore as docs/drift.md describes: dump the wheel check's database,
# restore it into a new one, and check that the installed app is ready on the copy
# and shows the login page and a demo user's dashboard from it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv_bin="$1"
source_db=postgres://postgres@127.0.0.1:5432/peerstod_wheel
dump=$(mktemp --suffix=.dump)
pg_dump --format=custom --file="$dump" "$source_db"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS peerstod_restore" >/dev/null 2>&1
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE peerstod_restore" >/dev/null
pg_restore --no-owner --dbname=postgres://postgres@127.0.0.1:5432/peerstod_restore "$dump"
echo "restored $(du -h "$dump" | cut -f1) dump into peerstod_restore"
rm -f "$dump"
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/peerstod_restore
export DEBUG=false SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
export ALLOWED_HOSTS=127.0.0.1 SITE_URL=https://127.0.0.1 PEERSTOD_VAR_DIR="$(mktemp -d)"
"$venv_bin/peerstod" migrate --check
echo "no migration pending on the restored copy"
cd /tmp && "$venv_bin/python" "$here/wheel_check.py" "$venv_bin" "$DATABASE_URL" --restored
