# Image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only-xyz \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
RUN useradd --create-home portal && chown -R portal /app
USER portal
EXPOSE 8000
CMD ["gunicorn", "minerals_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
