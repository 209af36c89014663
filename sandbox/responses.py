"""JSON responses with extra headers (no other sandbox imports: error renderers use it)."""

from django.http import JsonResponse


def json_response(body: dict | list, status: int = 200, headers: dict | None = None):
    response = JsonResponse(body, status=status, safe=False)
    for key, value in (headers or {}).items():
        response[key] = value
    return response
