"""manage.py receive_mail: run the inbound mail receiver for bounces and replies until stopped."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand

from petitions.inbound.receiver import make_controller


class Command(BaseCommand):
    help = "Receive bounces and replies to letters by SMTP (or LMTP) until SIGTERM or Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", help="Address to listen on (INBOUND_MAIL_HOST).")
        parser.add_argument("--port", type=int, help="Port to listen on (INBOUND_MAIL_PORT).")
        parser.add_argument("--lmtp", action="store_true", help="Speak LMTP, for a local Postfix transport.")

    def handle(self, *args, host=None, port=None, lmtp=False, **options):
        # aiosmtpd's own log names peers and envelope addresses at INFO: only its warnings are kept.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        controller = make_controller(host=host, port=port, lmtp=lmtp)
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        controller.start()
        protocol = "LMTP" if lmtp else "SMTP"
        self.stdout.write(f"Receiving bounces and replies by {protocol} on {controller.hostname}:{controller.port}")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
