r"""How the sandbox LinkedIn reads a `commentary` in little text: escaped characters are text;
mentions `@[Name](urn:li:person|organization:…)`, HashtagTemplates `{hashtag|#|tag}` (sign `#`,
`\#` or `＃`) and bare `#tag` elements are elements; any other reserved character ends the
text, because LinkedIn silently drops the commentary from the first reserved character it
cannot parse (reported by API clients). So a client that escapes badly loses text here too.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RESERVED = set("\\|{}@[]()<>#*_~")
_MENTION = re.compile(
    r"@\[(?P<name>(?:\\.|[^\\\]])+)\]\((?P<urn>urn:li:(?:person|organization):[\w-]+)\)"
)
_TEMPLATE = re.compile(r"\{hashtag\|(?:\\#|#|＃)\|(?P<tag>(?:\\.|[^\\{}|])+)\}")
_BARE_TAG = re.compile(r"#(?P<tag>[^\W_]+)")
_UNESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Parsed:
    kept: str  # the commentary LinkedIn stores (cut at the first unparsable character)
    plain: str  # what readers see
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]  # URNs


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def parse(commentary: str) -> Parsed:
    plain: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    i, n = 0, len(commentary)
    while i < n:
        char = commentary[i]
        if char == "\\" and i + 1 < n:
            plain.append(commentary[i + 1])
            i += 2
            continue
        if char not in RESERVED:
            plain.append(char)
            i += 1
            continue
        if match := _MENTION.match(commentary, i):
            plain.append(_unescape(match.group("name")))
            mentions.append(match.group("urn"))
        elif match := (_TEMPLATE.match(commentary, i) or _BARE_TAG.match(commentary, i)):
            tag = _unescape(match.group("tag"))
            plain.append("#" + tag)
            hashtags.append(tag)
        else:
            break  # unparsable: the rest is dropped
        i = match.end()
    return Parsed(commentary[:i], "".join(plain), tuple(hashtags), tuple(mentions))
