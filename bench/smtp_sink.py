"""A light SMTP sink for the drain benchmark: accepts every message on a loopback port and appends
one line per message to a file: the wall-clock time it was received and its Message-ID.

Run as ``python bench/smtp_sink.py PORT OUTFILE``; stops on SIGTERM or SIGINT. It shares the
machine's two cores with the worker it measures, so it does as little as it can: no parsing
beyond finding the Message-ID header, one buffered write per message, flushed every 0.2 s.
"""

import asyncio
import re
import signal
import sys
import time

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.I | re.M)


class Sink:
    def __init__(self, out) -> None:
        self.out = out

    async def handle_DATA(self, server, session, envelope) -> str:
        received = time.time()
        found = _MESSAGE_ID.search(envelope.original_content or b"")
        message_id = found.group(1).decode(errors="replace") if found else "-"
        self.out.write(f"{received:.6f} {message_id}\n")
        return "250 2.0.0 OK"


def main(port: int, path: str) -> int:
    with open(path, "a", buffering=1 << 16) as out:
        controller = Controller(Sink(out), hostname="127.0.0.1", port=port, ready_timeout=10)
        controller.start()

        async def flush_often() -> None:
            while True:
                await asyncio.sleep(0.2)
                out.flush()

        flusher = asyncio.run_coroutine_threadsafe(flush_often(), controller.loop)
        stop = asyncio.Event()
        loop = asyncio.new_event_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        print(f"smtp sink listening on 127.0.0.1:{port}", flush=True)
        try:
            loop.run_until_complete(stop.wait())
        finally:
            flusher.cancel()
            controller.stop()
            out.flush()
            loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2]))
