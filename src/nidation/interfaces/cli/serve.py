"""``nidation serve``: the REST API and the clinician web app on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from nidation.interfaces.cli.app import app, err


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (keep it local).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web app (http://HOST:PORT/) and the REST API (/v1, docs at /docs).

    Single-user and local: nothing is stored. The rules are compiled at start-up (~10 s).
    """
    import uvicorn

    from nidation.interfaces.web.app import create_app

    if host not in ("127.0.0.1", "localhost", "::1"):
        err().print(f"nidation: warning: listening on {host}; the app has no authentication")
    err().print(f"nidation: compiling the rules, then serving http://{host}:{port}/")
    uvicorn.run(create_app(), host=host, port=port, log_level="info")
