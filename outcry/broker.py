"""The Redis transport for Celery, with one change: a channel whose connection is closed says so.

When Redis is lost, the worker closes the old connection, and kombu drops the transport's link to
it, while tasks received on it are still running. When one of them ends, its acknowledgement
goes to the old channel, which tries to build a new client pool from the link that is gone:
kombu 5.7 raises AttributeError there ("'NoneType' object has no attribute 'hostname'"), which
Celery does not expect, and the worker exits for good ("Unrecoverable error"). Raised as a
connection error instead, Celery logs "Couldn't ack" and the worker goes on. Nothing is lost by
the missing acknowledgement: a Redis that kept the message hands it out again after the
visibility timeout, and the letter's row, already marked sent, makes that repeat a no-op.

install() makes it the transport of redis:// and rediss:// URLs in the process, so that logs and
the health check still name the broker by its URL ("Connected to redis://...").
"""

from kombu import transport as kombu_transports
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

SCHEMES = ("redis", "rediss")


class ClosedConnection(RedisConnectionError):
    """The channel belongs to a broker connection the worker has already closed."""


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise ClosedConnection("this channel's broker connection is closed; it cannot reach Redis again")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel


def install() -> None:
    """Use this transport for every redis:// and rediss:// broker URL of the process."""
    for scheme in SCHEMES:
        kombu_transports.TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
