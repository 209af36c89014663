"""X threads end to end: the parts validation shows the author are the posts X receives, over
real HTTP to the sandbox, which refuses any post over 280 weighted characters as X does.

Before the one splitting rule (validation.threads), the publisher split only at blank lines:
a single long paragraph went out as one post and X refused it ("Your Tweet text is too long").
"""

import pytest

from connections.providers import base as pb
from connections.providers import get_provider
from publishing.services import execution, platform_calls
from sandbox.published.models import SandboxPost
from sandbox.x.text_weight import weighted_length
from tests.publishing.conftest import queued_job
from validation import services as validation
from validation.services import validate_post

pytestmark = pytest.mark.django_db(transaction=True)

ONE_PARAGRAPH = " ".join(
    f"Our roastery in district {i} opens early, pours late and never runs out of beans."
    for i in range(9)
)
URL_HEAVY = " ".join(f"Menu {i}: https://acme.example.com/menu/{'x' * 90}/{i}" for i in range(14))
CJK = "".join(
    f"今日は{i}番目のシングルオリジンのコーヒーを紹介します。香りが豊かで後味がすっきりしています。"
    for i in range(7)
)
EMOJI = " ".join(f"Fresh beans {i} ☕️👩‍👩‍👧‍👦🇫🇷" for i in range(40))
AUTHOR_PARAGRAPHS = "Short opener.\n\n" + ONE_PARAGRAPH + "\n\nSee you soon @acme #coffee"


def _sent_texts():
    return list(
        SandboxPost.objects.filter(platform="x").order_by("id").values_list("text", flat=True)
    )


@pytest.mark.parametrize(
    "text",
    [ONE_PARAGRAPH, URL_HEAVY, CJK, EMOJI, AUTHOR_PARAGRAPHS],
    ids=["one-paragraph", "url-heavy", "cjk", "emoji-heavy", "author-paragraphs"],
)
def test_a_long_text_is_published_as_the_thread_validation_showed(brand, owner, x_live, text):
    report = validate_post(brand=brand, text=text, platforms=["x"], thread=True)
    parts = report.platforms["x"].parts
    assert report.ok and len(parts) > 1

    job = queued_job(brand, owner, x_live, text=text, x_thread=True)
    assert execution.job_execute(job.pk) == "published"

    posts = list(SandboxPost.objects.filter(platform="x").order_by("id"))
    assert [p.text for p in posts] == list(parts)
    assert [p.reply_to for p in posts] == ["", *(p.post_id for p in posts[:-1])]
    assert all(weighted_length(p.text) <= 280 for p in posts)
    # Nothing of the author's text was lost or reordered, only the whitespace between posts.
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_the_author_blank_lines_are_kept_as_post_boundaries(brand, owner, x_live):
    job = queued_job(brand, owner, x_live, text=AUTHOR_PARAGRAPHS, x_thread=True)

    execution.job_execute(job.pk)

    sent = _sent_texts()
    assert sent[0] == "Short opener." and sent[-1].endswith("See you soon @acme #coffee")


def test_no_url_mention_hashtag_or_emoji_is_cut_in_two(brand, owner, x_live):
    text = " ".join(["@acme_roasters #SingleOrigin https://acme.example.com/beans 👩‍👩‍👧‍👦"] * 12)
    job = queued_job(brand, owner, x_live, text=text, x_thread=True)

    execution.job_execute(job.pk)

    whole = ("@acme_roasters", "#SingleOrigin", "https://acme.example.com/beans", "👩‍👩‍👧‍👦")
    for sent in _sent_texts():
        for token in sent.split():
            assert token in whole


def test_a_brand_that_numbers_threads_gets_one_of_n_on_every_post(brand, owner, x_live):
    validation.policy_update(brand=brand, actor=owner, x_thread_numbering=True)

    job = queued_job(brand, owner, x_live, text=ONE_PARAGRAPH, x_thread=True)
    execution.job_execute(job.pk)

    sent = _sent_texts()
    assert len(sent) > 1
    assert [s.rsplit(" ", 1)[1] for s in sent] == [
        f"{i}/{len(sent)}" for i in range(1, len(sent) + 1)
    ]


def test_validation_and_the_publisher_produce_the_same_parts(brand, owner, x_live):
    validation.policy_update(brand=brand, actor=owner, x_thread_numbering=True)
    for text in (ONE_PARAGRAPH, URL_HEAVY, CJK, EMOJI, AUTHOR_PARAGRAPHS):
        job = queued_job(brand, owner, x_live, text=text, x_thread=True)
        content = platform_calls.build_content(job)
        shown = validate_post(brand=brand, text=text, platforms=["x"], thread=True)
        assert (content.text, *content.thread) == shown.platforms["x"].parts


def test_the_sandbox_refuses_a_post_over_280_weighted_characters_as_x_does(x_live):
    token = pb.TokenSet(access_token=x_live.access_token)
    content = pb.PostContent(text=ONE_PARAGRAPH)

    with pytest.raises(pb.Rejected, match="too long"):
        get_provider("x").publish(
            token, account_id=x_live.account_id, content=content, saved={},
            checkpoint=lambda **ids: None,
        )  # fmt: skip

    assert SandboxPost.objects.filter(platform="x").count() == 0


def test_without_the_thread_option_a_long_text_is_an_error_not_a_thread(brand):
    report = validate_post(brand=brand, text=ONE_PARAGRAPH, platforms=["x"])

    assert not report.ok and report.platforms["x"].parts is None
