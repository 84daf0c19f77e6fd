"""vLLM's error bodies, byte for byte.

Two families, as in vLLM 0.32:

* ``vllm_error(...)`` - vLLM's own checks (``VLLMValidationError`` & co, ``create_error_response``):
  ``type`` ``"BadRequestError"`` / ``"NotFoundError"``, message with `` (parameter=X, value=Y)`` appended.
* ``schema_error(...)`` - pydantic/FastAPI request validation (``validation_exception_handler``):
  ``type`` ``"Bad Request"``, ``param`` ``"body.<field>"``, message ``"N validation error(s):\\n  {dict repr}"``.

Both have the shape ``{"error": {"message", "type", "param", "code"}}``; 401 is ``{"error": "Unauthorized"}``.
"""

from __future__ import annotations

from .jsonutil import dumps

_MAX_REPORTED_ERRORS = 10
_MAX_ERROR_INPUT_CHARS = 200
_MAX_ERROR_CHARS = 1000


class MockHTTPError(Exception):
    """An error response: raise it anywhere in request handling."""

    def __init__(self, status: int, message: str, err_type: str, param: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.err_type = err_type
        self.param = param

    def body(self) -> dict:
        return error_body(self.message, self.err_type, self.param, self.status)

    def to_bytes(self) -> bytes:
        return dumps(self.body())


def error_body(message: str, err_type: str, param: str | None, code: int) -> dict:
    return {"error": {"message": message, "type": err_type, "param": param, "code": code}}


def _with_extras(message: str, parameter: str | None, value) -> str:
    extras = []
    if parameter is not None:
        extras.append(f"parameter={parameter}")
    if value is not None:
        extras.append(f"value={value}")
    return f"{message} ({', '.join(extras)})" if extras else message


def vllm_error(message: str, parameter: str | None = None, value=None) -> MockHTTPError:
    """A ``VLLMValidationError`` turned into a 400 ``BadRequestError`` (param = the parameter)."""
    return MockHTTPError(400, _with_extras(message, parameter, value), "BadRequestError", parameter)


def bad_request(message: str) -> MockHTTPError:
    """A plain ``create_error_response(message)``: 400 ``BadRequestError``, param null."""
    return MockHTTPError(400, message, "BadRequestError", None)


def model_not_found(requested: str, served_names: list[str]) -> MockHTTPError:
    return MockHTTPError(
        404,
        f"The model `{requested}` does not exist. Valid aliases: {', '.join(served_names)}.",
        "NotFoundError",
        "model",
    )


# --- pydantic-style schema errors -------------------------------------------------------------

def summarize_input(value):
    """vLLM's ``_summarize_error_input``: containers are described, long strings cut."""
    if isinstance(value, str):
        if len(value) > _MAX_ERROR_INPUT_CHARS:
            return value[:_MAX_ERROR_INPUT_CHARS] + "...[truncated]"
        return value
    if isinstance(value, (bytes, bytearray)):
        return f"<{type(value).__name__} of {len(value)} bytes>"
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return f"<{type(value).__name__} of {len(value)} items>"
    text = str(value)
    if len(text) > _MAX_ERROR_INPUT_CHARS:
        return text[:_MAX_ERROR_INPUT_CHARS] + "...[truncated]"
    return text


def schema_issue(err_type: str, loc: tuple, msg: str, input_value, ctx: dict | None = None,
                 url: bool = True) -> dict:
    """One pydantic error dict, as FastAPI reports it (``loc`` starts with ``"body"``)."""
    issue = {"type": err_type, "loc": loc, "msg": msg, "input": input_value}
    if ctx is not None:
        issue["ctx"] = ctx
    return issue


def _format_issue(issue) -> str:
    if isinstance(issue, dict):
        issue = dict(issue)
        if "input" in issue:
            issue["input"] = summarize_input(issue["input"])
        loc = issue.get("loc")
        if isinstance(loc, (tuple, list)):
            issue["loc"] = ".".join(str(p) for p in loc)
    text = str(issue)
    if len(text) > _MAX_ERROR_CHARS:
        text = text[:_MAX_ERROR_CHARS] + "...[truncated]"
    return text


def schema_error(issues: list) -> MockHTTPError:
    """A FastAPI ``RequestValidationError`` as vLLM's handler renders it."""
    param = None
    if issues and isinstance(issues[0], dict) and issues[0].get("loc"):
        param = ".".join(str(p) for p in issues[0]["loc"])
    count = len(issues)
    label = "error" if count == 1 else "errors"
    reported = issues[:_MAX_REPORTED_ERRORS]
    message = f"{count} validation {label}:\n" + "".join(f"  {_format_issue(i)}\n" for i in reported)
    if count > len(reported):
        message += f"  ...and {count - len(reported)} more {label}\n"
    return MockHTTPError(400, message.rstrip(), "Bad Request", param)


def unsupported_media_type() -> MockHTTPError:
    return schema_error(["Unsupported Media Type: Only 'application/json' is allowed"])


UNAUTHORIZED_BODY = b'{"error":"Unauthorized"}'
NOT_FOUND_BODY = b'{"detail":"Not Found"}'
METHOD_NOT_ALLOWED_BODY = b'{"detail":"Method Not Allowed"}'
