"""A real HTTP receiver of webhooks on loopback, in a thread: it answers as its script says (a
status, or "hang" past the sender's timeout) and records every request, so tests count on the
receiver's side, by Outcry-Delivery."""

import http.server
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Received:
    delivery: str
    event: str
    signature: str
    body: bytes
    answered: int | str
    headers: dict = field(default_factory=dict)


class WebhookReceiver:
    """`script(n)` gives the answer to the n-th request (from 0): a status code or ("hang", seconds)."""

    def __init__(self, port: int = 0, script: Callable[[int], int | tuple] = lambda n: 200) -> None:
        self.script = script
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    n = len(receiver.requests)
                    answer = receiver.script(n)
                    record = Received(
                        delivery=self.headers.get("Outcry-Delivery", ""),
                        event=self.headers.get("Outcry-Event", ""),
                        signature=self.headers.get("Outcry-Signature", ""),
                        body=body,
                        answered=answer if isinstance(answer, int) else "hang",
                        headers=dict(self.headers),
                    )
                    receiver.requests.append(record)
                if not isinstance(answer, int):
                    time.sleep(answer[1])  # the sender has given up by now
                    answer = 503
                try:
                    self.send_response(answer)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> Counter:
        """How many times each delivery id was answered 2xx."""
        with self._lock:
            return Counter(r.delivery for r in self.requests if isinstance(r.answered, int) and r.answered < 300)
