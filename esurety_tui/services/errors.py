"""Service errors carry a Japanese message for the user."""


class ServiceError(Exception):
    """Base: ``str(err)`` is shown to the user."""


class NotFound(ServiceError):
    pass


class LoginFailed(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class InvalidState(ServiceError):
    pass
