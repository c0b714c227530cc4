"""A real DNS server on loopback (UDP and TCP) answering from a zone dict, for tests.

zone maps (name, type) to a list of record texts, e.g. {("example.org", "TXT"): ['"v=spf1 -all"']}.
A name absent from every key is NXDOMAIN; a known name without that type is an empty answer.
silent=True makes a server that never answers (a timeout).
"""

import socketserver
import threading

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


def _answer(zone: dict, wire: bytes) -> bytes:
    query = dns.message.from_wire(wire)
    response = dns.message.make_response(query)
    question = query.question[0]
    name = question.name.to_text().rstrip(".").lower()
    kind = dns.rdatatype.to_text(question.rdtype)
    records = zone.get((name, kind))
    if records:
        response.answer.append(dns.rrset.from_text_list(question.name, 300, "IN", kind, records))
    elif not any(known == name for known, _ in zone):
        response.set_rcode(dns.rcode.NXDOMAIN)
    return response.to_wire()


class DnsServer:
    def __init__(self, zone: dict, silent: bool = False):
        zone = {(name.lower(), kind): records for (name, kind), records in zone.items()}
        server = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self):
                data, sock = self.request
                if not server.silent:
                    sock.sendto(_answer(zone, data), self.client_address)

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self):
                length = int.from_bytes(self.request.recv(2), "big")
                reply = _answer(zone, self.request.recv(length))
                if not server.silent:
                    self.request.sendall(len(reply).to_bytes(2, "big") + reply)

        self.silent = silent
        self.udp, self.tcp = _pair(Udp, Tcp)
        self.address = f"127.0.0.1:{self.udp.server_address[1]}"

    def __enter__(self):
        for server in (self.udp, self.tcp):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        for server in (self.udp, self.tcp):
            server.shutdown()
            server.server_close()


def _pair(udp_handler, tcp_handler, tries: int = 50):
    """A UDP and a TCP server on one free port number: the UDP port is free, the same TCP port may
    not be (another process may hold it), so another pair is tried."""
    for _ in range(tries):
        udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), udp_handler)
        try:
            return udp, socketserver.ThreadingTCPServer(("127.0.0.1", udp.server_address[1]), tcp_handler)
        except OSError:
            udp.server_close()
    raise OSError("no port free for both UDP and TCP")


__all__ = ["DnsServer"]
