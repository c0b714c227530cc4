"""Reading a reply: its sender, subject and text, whatever MIME, charset or HTML it came in.

Mail from outside is untrusted input: the parser never fails on a malformed message (it reads what
it can), HTML becomes plain text (scripts and styles dropped, never rendered), and size is capped
so one huge message cannot fill the database.
"""

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from html.parser import HTMLParser

MAX_TEXT_CHARS = 100_000
AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|abwesenheit|absence|ausente|"
    r"fuera de la oficina|otomatik yan[ıi]t|автоответ)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reply:
    sender: str
    subject: str
    text: str
    message_id: str
    automatic: bool


class _TextOfHtml(HTMLParser):
    """The words of an HTML body, with line breaks where blocks end; nothing of it is ever rendered."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"}
    SKIPPED = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    reader = _TextOfHtml()
    reader.feed(html)
    reader.close()
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(reader.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _content(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        # An unknown or lying charset: read the bytes as UTF-8 with replacements.
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    text = _content(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip()[:MAX_TEXT_CHARS]


def _is_automatic(message: EmailMessage, subject: str) -> bool:
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond") or message.get("X-Auto-Response-Suppress"):
        return True
    if str(message.get("Precedence", "")).strip().lower() in {"auto_reply", "bulk", "junk"}:
        return True
    return bool(AUTO_SUBJECT.match(subject))


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (ValueError, IndexError, AttributeError):
        return ""


def parse_reply(raw: bytes) -> Reply:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    subject = " ".join(_header(message, "Subject").split())[:998]
    sender = parseaddr(_header(message, "From"))[1][:320]
    return Reply(
        sender=sender,
        subject=subject,
        text=_text_of(message),
        message_id=_header(message, "Message-ID").strip()[:998],
        automatic=_is_automatic(message, subject),
    )


def without_quotes(text: str) -> str:
    """The reply without the lines it quotes ("> ..."): the letter they quote names the signer."""
    lines = text.splitlines()
    quoted = [line.lstrip().startswith(">") for line in lines]
    # The attribution line before a quote ("On Monday Bob wrote:") names the signer too.
    kept = [
        line
        for index, line in enumerate(lines)
        if not quoted[index] and not (line.rstrip().endswith(":") and index + 1 < len(lines) and quoted[index + 1])
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
