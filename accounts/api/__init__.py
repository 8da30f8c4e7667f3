"""REST API plumbing shared by every app: API-client authentication, scopes and throttling.

Who is calling (see :mod:`accounts.api.authentication`):

* an **API client** (another institute system) sends ``Authorization: Token <key>``. DRF then
  holds ``request.user = AnonymousUser`` and ``request.auth = <ApiClient>``; use
  :func:`request_api_client` to get it. The client is deliberately *not* put in
  ``request.user``: DRF copies ``request.user`` onto the Django request, where other code
  (django-simple-history's middleware, ``login_required`` …) expects a real user or an
  anonymous one.
* a **browser user** logged in with a session: ``request.user`` is the staff user and
  ``request.auth`` is ``None``; use :func:`request_staff_user`.

Views declare ``required_scopes`` (see :mod:`accounts.api.permissions`); ``HasScope`` is the
default permission class of the API.
"""

from .authentication import request_api_client, request_staff_user

__all__ = ["request_api_client", "request_staff_user"]
