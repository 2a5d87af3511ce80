"""The WSGI entry point for gunicorn: ``gunicorn integrity.wsgi:app``."""

from integrity import create_app

app = create_app()
