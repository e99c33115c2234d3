FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY . .
# Collect under the production settings: their manifest storage needs the hashed files and manifest.
RUN pip install --no-cache-dir . \
    && DJANGO_SETTINGS_MODULE=telesales.settings_production SECRET_KEY=collectstatic-only \
       python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "telesales.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
