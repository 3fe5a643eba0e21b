"""gunicorn behind nginx (deploy/kuji.nginx.conf), from the checkout:

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py

An installed package (pip install .) names the app instead: ... -c gunicorn.conf.py
'app:create_app()'. Settings on the command line win over this file (-b, -w, ...).
"""

import multiprocessing

wsgi_app = "wsgi:app"
# Only nginx on this machine talks to gunicorn.
bind = "127.0.0.1:8000"
# One sync worker per core did best (README, "Speed"); the limits that must hold across
# workers are kept in the database, the others in RATELIMIT_STORAGE_URI.
workers = multiprocessing.cpu_count()
worker_class = "sync"
# The app logs every request itself, with the client's real address (app/web/logs.py).
accesslog = None
errorlog = "-"
# gunicorn 27 opens a control socket in $HOME by default; nothing here uses it.
control_socket_disable = True
# Files made by the workers (the database, its WAL, job files, exports) are private; the
# app sets the same umask itself, for `flask` commands and `make run` too.
umask = 0o077
# One proxy (nginx) in front: trust its X-Forwarded-For, -Proto and -Host, and no more.
# With none (gunicorn facing browsers), remove this line: PROXY_HOPS defaults to 0.
raw_env = ["FLASK_PROXY_HOPS=1"]
