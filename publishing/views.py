"""Server-rendered pages: thin, brand-scoped through the one selector."""

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.shortcuts import render

from publishing import selectors
from publishing.models import JobEvent
from tenancy.selectors import brand_for_user


@login_required
def post_list(request, brand_id):
    brand = brand_for_user(user=request.user, brand_id=brand_id)
    posts = list(selectors.posts_for_brand(brand=brand)[:100])
    for post in posts:
        post.derived_status = selectors.post_status_of(post)
    # The page shows state as of this event; the socket replays anything after it.
    last_event_id = JobEvent.objects.filter(brand=brand).aggregate(m=Max("id"))["m"] or 0
    return render(
        request,
        "publishing/post_list.html",
        {"brand": brand, "posts": posts, "last_event_id": last_event_id},
    )
