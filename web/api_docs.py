"""The API's documentation for those who may call it: the OpenAPI schema and a page rendered here from it.

No Swagger UI from a CDN: the content security policy allows nothing from other origins, and the page,
plain HTML from the schema, needs no script. Anonymous visitors get 401 like every other ``/api`` path.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from web.api import api_caller
from web.templating import render

router = APIRouter(prefix="/api", include_in_schema=False, dependencies=[Depends(api_caller)])
METHODS = ("get", "post", "put", "patch", "delete")


@router.get("/openapi.json")
def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    return HTMLResponse(render(request, "api_docs.html", {"info": schema.get("info", {}),
                                                          "operations": operations(schema)}))


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation with its parameters and the name of what it answers, in path order."""
    found = []
    for path, item in sorted(schema.get("paths", {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            ok = operation.get("responses", {}).get("200", {})
            answer = ok.get("content", {}).get("application/json", {}).get("schema", {})
            found.append({"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                          "description": operation.get("description", ""),
                          "parameters": [(p["name"], p["in"], _type(p.get("schema", {})), p.get("required", False))
                                         for p in operation.get("parameters", [])],
                          "answer": _type(answer)})
    return found


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{_type(schema.get('items', {}))}]"
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    return str(schema.get("type", "")) or "—"
