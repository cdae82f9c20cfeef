"""The app for a WSGI server: `gunicorn -w 2 -b 127.0.0.1:8000 factcheck.wsgi:app` (README, Deployment).

Settings come from FACTCHECK_* and the instance folder, as for `factcheck run`.
"""

from factcheck import create_app

app = create_app()
# Close the connections made while starting (the schema check): with `gunicorn --preload` the app
# is made once and the process then forked into workers, which must not share a connection.
app.extensions["factcheck.engine"].dispose()
