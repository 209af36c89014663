r"""Plain post text to LinkedIn "little text", the format of the Posts API `commentary`.

little reserves \ | { } @ [ ] ( ) < > # * _ ~ ; each must be backslash-escaped to be plain text,
"even if those characters are not used in one of the supported elements". Clients report that
LinkedIn silently drops the commentary from the first reserved character it cannot parse, so
nothing reserved may go out bare.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format

Decisions:
- Hashtags stay hashtags. A `#` that starts a word with at least one letter (`#coffee`,
  `#CaféLife`, `#2026goals`) becomes the HashtagTemplate `{hashtag|\#|coffee}`; escaping it
  instead would post the literal text "#coffee", which LinkedIn does not link. `#1`, `C#` and a
  `#` inside a URL are plain text (escaped). Reserved characters inside the tag (`_`) are
  escaped too. The template uses `\#`, the form LinkedIn gives back when posts are read, so a
  read-back compares equal to what we sent.
- Mentions written in little syntax, `@[Acme Corp](urn:li:organization:123)`, stay mentions (the
  name's reserved characters escaped, the URN untouched); every other `@` is escaped.
- URLs are escaped like any text but never grow hashtags (`https://x.com/a/#top`).
"""

from __future__ import annotations

import re

RESERVED = "\\|{}@[]()<>#*_~"
_RESERVED_CLASS = "[" + re.escape(RESERVED) + "]"
_ESCAPE = re.compile(_RESERVED_CLASS)
_TOKENS = re.compile(
    r"(?P<url>https?://\S+)"
    r"|(?P<mention>@\[(?P<name>[^\[\]()\n]+)\]\((?P<urn>urn:li:(?:person|organization):[\w-]+)\))"
    r"|(?<![\w#&])#(?P<tag>\w*[^\W\d_]\w*)"
    rf"|(?P<char>{_RESERVED_CLASS})"
)


def escape(text: str) -> str:
    """Every reserved character as plain text."""
    return _ESCAPE.sub(lambda match: "\\" + match.group(0), text)


def _replace(match: re.Match[str]) -> str:
    if match.group("url"):
        return escape(match.group("url"))
    if match.group("mention"):
        return f"@[{escape(match.group('name'))}]({match.group('urn')})"
    if match.group("tag"):
        return "{hashtag|\\#|" + escape(match.group("tag")) + "}"
    return "\\" + match.group("char")


def to_little_text(text: str) -> str:
    """The `commentary` value for `text`: hashtags and mentions kept, the rest plain."""
    return _TOKENS.sub(_replace, text)
