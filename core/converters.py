"""The path converter for every id in a URL: `<id:name>`.

Django's `int` converter takes any run of digits, and a number past the database's 64-bit
integer range then fails inside the query (OverflowError, a 500) instead of matching nothing.
`id` refuses such a number before any view runs, so the route answers 404 like any other
unknown id."""

from django.urls import register_converter

MAX_ID = 2**63 - 1  # a BigAutoField (signed 64-bit) on PostgreSQL and SQLite


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")  # the URL does not match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
