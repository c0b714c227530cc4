"""What a database that does not answer raises: a restart, a fail-over, a network blip.

psycopg2's connection errors reach Django code as these two; a wrong query raises others
(ProgrammingError, IntegrityError, DataError), which are bugs or conflicts, never an outage.
"""

from django.db import InterfaceError, OperationalError

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
