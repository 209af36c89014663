import pytest

from validation.selectors import forget_policy


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """Compiled policies are cached per process by brand id; ids repeat across tests."""
    forget_policy()
    yield
    forget_policy()
