"""The Redis transport (outcry/broker.py): the same connection as kombu's, and a channel of a
closed connection raises an error Celery treats as a lost connection, not an AttributeError."""

import pytest
from django.conf import settings
from kombu import Connection

from outcry.broker import ClosedConnection, Transport
from outcry.celery import app


def test_the_worker_and_the_web_connect_through_outcrys_transport_named_by_the_url():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, Transport)
        assert connection.default_channel.client.ping()
        assert connection.as_uri().startswith("redis://")  # as the worker's log names it


@pytest.mark.parametrize(
    "url",
    ["redis://:secret@cache.internal:6380/3", "rediss://:secret@cache.internal:6380/0?ssl_cert_reqs=required"],
)
def test_a_url_means_what_it_means_to_kombus_own_transport(url):
    ours, kombus = Connection(url), Connection(url, transport="kombu.transport.redis:Transport")
    assert issubclass(ours.get_transport_cls(), Transport)
    for attribute in ("hostname", "port", "virtual_host", "password", "ssl"):
        assert getattr(ours, attribute) == getattr(kombus, attribute)


def test_a_message_of_a_closed_connection_cannot_be_acknowledged_and_says_why():
    connection = app.connection_for_write()
    channel = connection.channel()
    channel.queue_declare(QUEUE)
    channel.basic_publish(channel.prepare_message("{}"), exchange="", routing_key=QUEUE)
    message = channel.basic_get(QUEUE, no_ack=False)
    lost_connection = tuple(connection.connection_errors)
    channel._disconnect_pools()  # what closing the channel does
    connection.transport.client = None  # what closing the connection does, as after Redis was lost
    with pytest.raises(lost_connection) as raised:
        message.ack()
    assert isinstance(raised.value, ClosedConnection)
    connection.transport.client = connection  # put back, so that nothing is left unacknowledged
    message.ack()
    connection.release()
    with app.connection_for_write() as again:
        again.default_channel.queue_delete(QUEUE)


QUEUE = "outcry-test-broker"
