import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telesales.settings")
application = get_wsgi_application()

# This process serves web requests (gunicorn, runserver): its database connections get the web
# timeouts (telesales/db.py); without a broker, its job threads sweep stalled jobs.
from telesales import db, jobs  # noqa: E402

db.set_process_role(db.WEB)
jobs.start_sweeper_thread()
