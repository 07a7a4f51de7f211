"""The REST API at /api/v1 (django-ninja). Each app contributes a router."""

from ninja import NinjaAPI

from almen.register.api import router as register_router

api = NinjaAPI(
    title="Almen API",
    version="1",
    description="Almene mål, register og åbne data. Offentlige data kræver intet login; "
    "integrationer bruger et API-token pr. organisation.",
    urls_namespace="api",
)
api.add_router("", register_router)
