# Browser assets come from the npm registry (package-lock.json), never from a CDN.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/vendor_assets.sh scripts/
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && mkdir -p static && scripts/vendor_assets.sh

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=infonavit_atencion.settings.production
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /app/static/vendor static/vendor
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend python manage.py collectstatic --no-input
# The app runs unprivileged. The data directories exist, owned by it, before any volume is
# mounted on them: Docker copies this ownership into a new named volume (private-media).
RUN useradd --system --home /app atencion \
    && mkdir -p /app/var/private /app/var/media \
    && chown -R atencion:atencion /app/var
USER atencion
EXPOSE 8000
CMD ["gunicorn", "infonavit_atencion.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4"]
