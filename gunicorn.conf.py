"""gunicorn's settings in production: `gunicorn -c gunicorn.conf.py wsgi:app` (`make serve-prod`,
deploy/systemd/lms-web.service). Every value can be changed from the environment.

Long work (exports, imports, mail) runs on the task queue, so gunicorn's default 30-second
timeout stays: a request that takes longer is a bug, and the worker is replaced.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: twice the cores plus one, the usual rule for requests that wait on a database.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# The application (fonts, catalogues, templates) is loaded once and shared by forked workers.
preload_app = True
# A worker is replaced now and then, so a slow leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200
# The access log names the path without its query string (filters, tokens) and no referrer.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # set empty: no access log (benchmarks)
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
# Only a proxy on this machine may tell gunicorn the scheme (the app trusts X-Forwarded-* only
# with TRUSTED_PROXIES set, see README).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Each worker opens its own database connections: none made while preloading is shared."""
    from lms.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)
