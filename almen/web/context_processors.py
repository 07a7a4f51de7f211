from typing import Any

from django.http import HttpRequest

from almen.access.policy import principal


def context(request: HttpRequest) -> dict[str, Any]:
    """The principal, so the header can show the user's organisation/estate context."""
    return {"principal": principal(request)}
