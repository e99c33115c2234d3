FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app
WORKDIR /app
# Dependencies first (a cached layer while only the code changes); .dockerignore keeps .venv,
# databases, .env and .git out of the build context.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
       > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt
COPY . .
# Collected under the production settings: their manifest storage needs the hashed files and
# the manifest (the default settings would write neither, and every page would answer 500).
RUN DJANGO_SETTINGS_MODULE=telesales.settings_production SECRET_KEY=collectstatic-only \
       python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 app \
    && mkdir -p /app/media && chown app /app/media
# Uploads (lead import files) live in /app/media, a volume shared by web and worker.
USER app
EXPOSE 8000
CMD ["gunicorn", "telesales.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
