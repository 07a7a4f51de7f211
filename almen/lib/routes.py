"""The route registry: each module's API router and URL patterns.

``config/urls.py`` includes every registered URL module and ``almen.api.api`` adds every
registered ninja router, so neither names a module:

    routes.register_urls("almen.goals.urls", app="goals")
    routes.register_api("almen.goals.api:router", app="goals")

A router (and the API's authentication) may be given as ``"module:attribute"``: it is
imported only when the API is built, so ``django.setup()`` — every management command,
``ballot_verify`` among them — does not pay for django-ninja and the schemas.

Registration order is ``INSTALLED_APPS`` order; no two modules' URL patterns overlap,
so the order does not decide which view answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import URLResolver, include, path

from almen.lib.registry import Registry, resolve


@dataclass(frozen=True)
class ApiRouter:
    prefix: str
    target: Any  # a ninja.Router, or "module:attribute" naming one

    @property
    def router(self) -> Any:
        return resolve(self.target)


@dataclass(frozen=True)
class Urls:
    prefix: str
    module: str


_routers: Registry[ApiRouter] = Registry("API routers")
_urls: Registry[Urls] = Registry("URLs")
_api_auth: Registry[Any] = Registry("API authentication")


def register_api(router: Any, *, app: str, prefix: str = "") -> None:
    _routers.register(f"{app}:{prefix}", ApiRouter(prefix, router), app=app)


def register_urls(module: str, *, app: str, prefix: str = "") -> None:
    _urls.register(module, Urls(prefix, module), app=app)


def register_api_auth(auth: Any, *, app: str) -> None:
    """The check every API call runs (the register's optional token check): the API
    names no module, so the app that owns the tokens registers it."""
    _api_auth.register(f"{app}:auth", auth, app=app)


def api_auth() -> list[Any]:
    return [resolve(auth) for auth in _api_auth.items()]


def api_routers() -> list[ApiRouter]:
    return _routers.items()


def urls() -> list[Urls]:
    return _urls.items()


def url_includes() -> list[URLResolver]:
    return [path(urls.prefix, include(urls.module)) for urls in _urls.items()]
