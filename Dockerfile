FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml ./
COPY . .
RUN pip install . \
    && useradd --create-home --uid 1000 app \
    && mkdir -p /app/var && chown -R app /app/var

USER app
# collectstatic needs settings but no secrets of the real deployment.
RUN DEBUG=true SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
