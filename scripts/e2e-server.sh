#!/usr/bin/env bash
# The server Playwright tests run against: a fresh database with the demo loaded, the production
# build, its own port. Started and stopped by playwright.config.ts.
set -euo pipefail
export DATABASE_URL="${E2E_DATABASE_URL:-file:./data/e2e.db}"
# The whole suite reads from one address; tests/api/hardening.spec.ts checks the read limit on a
# server of its own.
export THREADLINE_READ_RATE_LIMIT_PER_SECOND="${THREADLINE_READ_RATE_LIMIT_PER_SECOND:-0}"
# Start from an empty store: the SQLite file DATABASE_URL names is removed; a PostgreSQL database
# (named threadline_e2e…) is dropped and created again.
if [[ "$DATABASE_URL" == file:* ]]; then
  db_file="${DATABASE_URL#file:}"
  rm -f "$db_file" "$db_file-wal" "$db_file-shm"
elif [[ "$DATABASE_URL" == postgres* ]]; then
  npx tsx scripts/e2e-database.ts "$DATABASE_URL"
fi
npm run --silent db:migrate
npm run --silent db:seed
exec npx next start -p "${E2E_PORT:-3100}"
