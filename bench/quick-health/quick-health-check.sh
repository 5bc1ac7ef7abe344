#!/bin/bash
# The reference checklist's "Quick Health Check" (production-checklist.md,
# "Script Templates"), kept as the plain sequential script it is, with one
# change: each check talks to the service directly through env vars instead of
# `kubectl exec` (the bench points them at local servers on 127.0.0.1).
#
#   APP_URL                      e.g. http://127.0.0.1:8000  (was https://yourdomain.com)
#   DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD   (was `python manage.py dbshell`, which runs psql)
#   REDIS_HOST REDIS_PORT REDIS_PASSWORD          (was `kubectl exec deployment/redis -- redis-cli`)
#   CELERY_BROKER_URL                             (was `kubectl exec deployment/celery-worker -- celery`)

echo "Checking application health..."
curl -fsS "${APP_URL}/health/" || echo "HEALTH CHECK FAILED"

echo "Checking database..."
PGPASSWORD="${DB_PASSWORD}" psql -h "${DB_HOST}" -p "${DB_PORT}" -U "${DB_USER}" -d "${DB_NAME}" -c "SELECT 1;" || echo "DATABASE CHECK FAILED"

echo "Checking Redis..."
# REDISCLI_AUTH keeps the password off the command line.
REDISCLI_AUTH="${REDIS_PASSWORD}" redis-cli -h "${REDIS_HOST}" -p "${REDIS_PORT}" ping || echo "REDIS CHECK FAILED"

echo "Checking Celery..."
celery -A django_twilio_call -b "${CELERY_BROKER_URL}" inspect ping || echo "CELERY CHECK FAILED"

echo "Health check complete."
