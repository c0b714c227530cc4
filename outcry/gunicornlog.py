"""gunicorn's logger, with the log scrub (and LOG_FORMAT) on every handler it sets up.

gunicorn writes client addresses into its error log ("Invalid request from ip=..."), and into the
access log when one is asked for. Whatever --error-logfile, --access-logfile or --log-syslog set
up, each of its handlers gets the filter (records are already scrubbed as they are made: see
gunicorn.conf.py). setup() runs again on a configuration reload (SIGHUP), and so does this.
"""

from gunicorn.glogging import Logger

from outcry.logformat import use_log_format
from outcry.logscrub import scrub_handlers


class ScrubbedLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            scrub_handlers(log)
            use_log_format(log)
