"""gunicorn's settings for Outcry: its log lines get the same scrub as the app's (outcry/logscrub.py).

The Docker image names this file (--config); gunicorn also reads it by itself when started from
the project directory. Importing outcry installs the scrub on every log record of the master, which
gunicorn's workers inherit when it forks them; the logger class puts the filter on each of
gunicorn's handlers. The access log stays off: even scrubbed, it would record each signer's visit
and the private links they follow.
"""

from outcry import logscrub

logscrub.install()

logger_class = "outcry.gunicornlog.ScrubbedLogger"
accesslog = None
