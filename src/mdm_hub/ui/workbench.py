"""What every page needs: who is signed in, running an operation as them, rendering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from mdm_hub.api.auth.authenticate import Authenticator
from mdm_hub.domain.access import Principal
from mdm_hub.ui.display import label, ring, shown
from mdm_hub.ui.gateway import Gateway
from mdm_hub.ui.session import may, principal_of, same_origin

HERE = Path(__file__).parent
SIGN_IN = "/ui/signin"


class Workbench:
    def __init__(self, gateway: Gateway, authenticator: Authenticator) -> None:
        self.gateway = gateway
        self.authenticator = authenticator
        self.templates = Jinja2Templates(directory=HERE / "templates")
        self.templates.env.globals["may"] = may
        self.templates.env.filters["label"] = label
        self.templates.env.filters["shown"] = shown
        self.templates.env.globals["ring"] = ring

    async def user(self, request: Request) -> Principal:
        """The signed-in principal; a redirect to the sign-in page when there is none."""
        if request.method == "POST" and not same_origin(request):
            raise HTTPException(403, "form posted from another site")
        principal = await principal_of(request, self.authenticator)
        if principal is None:
            raise HTTPException(303, "sign in first", headers={"Location": SIGN_IN})
        return principal

    async def run(
        self, request: Request, principal: Principal, name: str, variables: dict[str, Any]
    ) -> dict[str, Any]:
        correlation_id: str = request.state.correlation_id
        return await self.gateway.run(name, variables, principal, correlation_id)

    def render(
        self,
        request: Request,
        template: str,
        principal: Principal | None,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        return self.templates.TemplateResponse(
            request,
            template,
            {"user": principal, **context},
            status_code=status_code,
        )
