from sandbox.meta import status_error, token_error

__all__ = ["status_error", "token_error"]
