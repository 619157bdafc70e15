"""Domain errors, mapped once to JSON for the API and to an error page for HTML."""


class DomainError(Exception):
    """A request the service refuses; `field` names the input at fault when there is one."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status_code = 404


class Invalid(DomainError):
    status_code = 422


class Conflict(DomainError):
    status_code = 409
