"""The REST API and the clinician web app (local, single user; stores nothing).

    from nidation.interfaces.web.app import create_app
    app = create_app()          # uvicorn nidation.interfaces.web.app:create_app --factory

Routes: ``/v1/*`` (JSON API, OpenAPI at ``/openapi.json``, docs at ``/docs``), ``/health``,
and the web page at ``/`` with its htmx fragments.
"""
