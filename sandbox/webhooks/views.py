"""Control endpoints (JSON) that make the sandbox platforms call our webhooks over HTTP:

POST /sandbox/_control/webhooks/subscribe      {platform, verify_token?, challenge?, target?}
POST /sandbox/_control/webhooks/deliveries     {platform, event, ..., signature?, sign_with?,
                                                target?}
POST /sandbox/_control/webhooks/deauthorize    {platform, user_id?, signature?, target?}
POST /sandbox/_control/webhooks/data-deletion  {platform, user_id?, signature?, target?}

`event` is one of: post_removed {post_id, page_id?}, comment {post_id, verb?, comment_id?,
message?, page_id?} (Facebook feed), ig_comment {media_id, text?, comment_id?, account_id?},
ig_mention {media_id, comment_id?, account_id?}, raw {payload} (sent as given).
`signature`: valid (default), wrong or missing; `sign_with` signs with another app's secret.
Each answers with what was sent and what our endpoint replied.
"""

from __future__ import annotations

import json

import requests
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sandbox import identities
from sandbox.published.models import SandboxPost
from sandbox.webhooks import sender

DEFAULT_ACCOUNT = {
    "facebook": identities.FACEBOOK_PAGES[0]["id"],
    "instagram": identities.INSTAGRAM_ACCOUNT["user_id"],
}
DEFAULT_USER = {
    "facebook": identities.FACEBOOK_USER["id"],
    "instagram": identities.INSTAGRAM_ACCOUNT["user_id"],
}


class BadRequest(ValueError):
    pass


def _body(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise BadRequest("the body must be JSON") from None
    if not isinstance(body, dict) or body.get("platform") not in sender.OBJECTS:
        raise BadRequest(f"platform must be one of {', '.join(sender.OBJECTS)}")
    return body


def _answer(sent: sender.Sent, **extra) -> JsonResponse:
    return JsonResponse(
        {
            "status": sent.status,
            "response": sent.text[:2000],
            "sent": sent.sent_body.decode("utf-8", errors="replace"),
            **extra,
        }
    )


def _control(view):
    """JSON errors for bad input and for a target that cannot be reached."""

    @csrf_exempt
    @require_POST
    def wrapped(request: HttpRequest) -> HttpResponse:
        try:
            return view(request, _body(request))
        except (ValueError, KeyError, TypeError) as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        except requests.RequestException as exc:
            return JsonResponse({"error": f"target unreachable: {type(exc).__name__}"}, status=502)

    return wrapped


def _required(body: dict, name: str) -> str:
    value = str(body.get(name) or "")
    if not value:
        raise BadRequest(f"{name} is required")
    return value


def _payload(platform: str, body: dict) -> dict:
    event = body.get("event")
    account = str(body.get("page_id") or body.get("account_id") or DEFAULT_ACCOUNT[platform])
    if event == "raw":
        if not isinstance(body.get("payload"), dict):
            raise BadRequest("payload must be an object")
        return body["payload"]
    if platform == "facebook" and event == "post_removed":
        post_id = _required(body, "post_id")
        # The post is gone on the platform too, before Meta tells anyone.
        SandboxPost.objects.filter(platform="facebook", post_id=post_id).update(
            deleted_at=timezone.now()
        )
        change = sender.feed_change(item="status", verb="remove", post_id=post_id)
    elif platform == "facebook" and event == "comment":
        change = sender.feed_change(
            item="comment",
            verb=str(body.get("verb") or "add"),
            post_id=_required(body, "post_id"),
            comment_id=str(body.get("comment_id") or sender.new_id()),
            message=str(body.get("message") or "Nice post!"),
            author={"id": "10000000099", "name": "Casey Commenter"},
        )
    elif platform == "instagram" and event == "ig_comment":
        change = sender.instagram_comment(
            media_id=_required(body, "media_id"),
            comment_id=str(body.get("comment_id") or sender.new_id()),
            text=str(body.get("text") or "Love it"),
            username=str(body.get("username") or "casey.commenter"),
        )
    elif platform == "instagram" and event == "ig_mention":
        change = sender.instagram_mention(
            media_id=_required(body, "media_id"), comment_id=str(body.get("comment_id") or "")
        )
    else:
        raise BadRequest(f"unknown event {event!r} for {platform}")
    return sender.envelope(platform, account, [change])


@_control
def subscribe(request: HttpRequest, body: dict) -> HttpResponse:
    platform = body["platform"]
    sent = sender.verify_subscription(
        platform,
        verify_token=str(body.get("verify_token") or settings.META_WEBHOOK_VERIFY_TOKEN),
        challenge=str(body.get("challenge") or ""),
        target=body.get("target"),
    )
    challenge = sent.headers["challenge"]
    return _answer(sent, verified=sent.status == 200 and sent.text == challenge)


@_control
def deliveries(request: HttpRequest, body: dict) -> HttpResponse:
    platform = body["platform"]
    payload = _payload(platform, body)
    sent = sender.send_event(
        platform,
        payload,
        target=body.get("target"),
        signature=str(body.get("signature") or "valid"),
        sign_with=body.get("sign_with"),
    )
    return _answer(sent)


@_control
def deauthorize(request: HttpRequest, body: dict) -> HttpResponse:
    platform = body["platform"]
    sent = sender.send_deauthorize(
        platform,
        str(body.get("user_id") or DEFAULT_USER[platform]),
        target=body.get("target"),
        signature=str(body.get("signature") or "valid"),
        sign_with=body.get("sign_with"),
    )
    return _answer(sent)


@_control
def data_deletion(request: HttpRequest, body: dict) -> HttpResponse:
    platform = body["platform"]
    sent = sender.send_data_deletion(
        platform,
        str(body.get("user_id") or DEFAULT_USER[platform]),
        target=body.get("target"),
        signature=str(body.get("signature") or "valid"),
        sign_with=body.get("sign_with"),
    )
    return _answer(sent)
