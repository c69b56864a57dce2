"""Operating the production stack as plain processes: smoke test, fault drills, load test.

Docker is not available everywhere the project is tested, so ``stack`` starts
what ``docker-compose.yml`` describes (gunicorn, a Celery worker, Celery beat)
as processes against the local PostgreSQL and Redis.
"""
