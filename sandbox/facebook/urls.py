import inspect

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from sandbox.facebook import oauth, publish, reads, videos
from sandbox.meta import graph_error


def by_method(**views):
    """One Graph path, several verbs (GET and POST /{page-id}/feed), each its own sandbox
    endpoint with its own request-log name and fault scope."""

    def unsupported(request):
        return graph_error(f"(#100) Unsupported {request.method} request.", code=100)

    def route(request, *args, **kwargs):
        view = views.get(request.method)
        return view(request, *args, **kwargs) if view else unsupported(request)

    def undecorated(request, *args, **kwargs):
        view = views.get(request.method)
        return inspect.unwrap(view)(request, *args, **kwargs) if view else unsupported(request)

    # The accepted_timeout fault re-runs the undecorated view found by unwrapping the URL's
    # view (sandbox/published/faults.py): point it at the chosen verb's own view.
    route.__wrapped__ = undecorated
    return csrf_exempt(route)


urlpatterns = [
    path("dialog/oauth", oauth.dialog),
    path("graph/oauth/access_token", oauth.access_token),
    path("graph/me/permissions", oauth.me_permissions),
    path("graph/me/accounts", oauth.me_accounts),
    path("graph/me", oauth.me),
    path("graph/<str:page_id>/feed", by_method(GET=reads.feed_list, POST=publish.feed_publish)),
    path("graph/<str:page_id>/photos", by_method(POST=publish.photos_publish)),
    path(
        "graph/<str:page_id>/videos",
        by_method(GET=videos.videos_list, POST=videos.videos_publish),
    ),
    # Videos are read here (status while processing); posts and photos fall through to reads.
    path("graph/<str:node_id>", by_method(GET=videos.node)),
]
