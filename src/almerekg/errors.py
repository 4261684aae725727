"""The one error type a request can end in: it carries its HTTP status and a message for the client.

The engine, the saved-query catalogue and the web views raise it; one handler in the web app turns it
into the answer the client reads (a page, RFC 9457 problem details, or a plain-text line), and the command
line into a message and an exit status. Messages are written for the person who sent the request: never a
stack trace, never what a SERVICE call met. `problem` names the kind of problem (a page under /problems
explains each) when it is more specific than the status; `param` names the request parameter at fault.
"""

from __future__ import annotations


class AppError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, *,
                 problem: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.problem = problem
        self.param = param

    @property
    def exit_code(self) -> int:
        """For the command line: 2 for what the user asked wrongly, 1 for what went wrong here."""
        return 2 if 400 <= self.status < 500 else 1


def unavailable(message: str, retry_after: int = 10) -> AppError:
    """503 with Retry-After: no build to answer from, a store that does not answer, a busy endpoint."""
    return AppError(503, message, {"Retry-After": str(retry_after)})
