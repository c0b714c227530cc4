"""What a browser says when another site posts a form to ours: each must be refused."""

import pytest

FOREIGN_POSTS = [
    pytest.param({"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"}, id="cross-site"),
    pytest.param({"HTTP_ORIGIN": "https://evil.example"}, id="foreign-origin"),
    pytest.param({"HTTP_SEC_FETCH_SITE": "cross-site"}, id="fetch-cross-site"),
    pytest.param({"HTTP_SEC_FETCH_SITE": "same-site"}, id="fetch-same-site"),
    pytest.param({"HTTP_ORIGIN": "null"}, id="null-origin"),
    # A browser too old to send Origin still sends the page it came from.
    pytest.param({"HTTP_REFERER": "https://evil.example/petition.html"}, id="foreign-referer"),
]
