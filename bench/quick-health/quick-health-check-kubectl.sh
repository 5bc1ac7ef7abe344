#!/bin/bash
# Quick production health check script: the reference checklist's "Quick Health
# Check" exactly as written (production-checklist.md, "Checklist Templates"),
# but for the health URL (APP_URL instead of https://yourdomain.com). Its
# checks go through `kubectl exec`, answered on the bench's PATH by the
# stand-in in bin/kubectl (see there for what one exec costs and why).

echo "Checking application health..."
curl -f "${APP_URL}/health/" || echo "HEALTH CHECK FAILED"

echo "Checking database..."
kubectl exec deployment/django-web -- python manage.py dbshell -c "SELECT 1;" || echo "DATABASE CHECK FAILED"

echo "Checking Redis..."
kubectl exec deployment/redis -- redis-cli ping || echo "REDIS CHECK FAILED"

echo "Checking Celery..."
kubectl exec deployment/celery-worker -- celery -A django_twilio_call inspect ping || echo "CELERY CHECK FAILED"

echo "Health check complete."
