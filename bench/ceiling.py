"""The server's own ceiling: a WSGI app that answers a fixed JSON body, under the same gunicorn
settings as both apps. No Django, no database: what gunicorn, the load generator and the machine
allow at most, so a ratio to the reference can be read against it."""

BODY = b'{"signatures": 1234, "emails_sent": 1200, "goal": 5000}'
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
