import pytest
from django.conf import settings

from connections.models import PlatformConnection
from connections.services import connection_disconnect, connection_refresh, connection_verify
from core.logging import configure_logging
from sandbox.models import SandboxToken
from tests.connections.flows import client_for, connect


def _full_flow(brand, owner):
    # X: connect, verify, refresh, disconnect; Facebook: connect (secrets in query strings)
    client = client_for(owner)
    connect(client, brand, "x")
    connection = PlatformConnection.objects.get(platform="x")
    connection_verify(connection=connection, actor=owner)
    connection_refresh(connection=connection, actor=owner)
    connection_disconnect(connection=PlatformConnection.objects.get(platform="x"), actor=owner)
    connect(client, brand, "facebook")


@pytest.mark.django_db(transaction=True)
def test_a_full_flow_writes_no_token_or_secret_to_the_logs(sandbox, brand, owner, capfd):
    # given the app's log handler pointed at the stderr capfd captures (it bound the one it
    # found at start-up), at DEBUG so urllib3's request lines are in too
    configure_logging(level="DEBUG")
    try:
        _full_flow(brand, owner)
    finally:
        configure_logging(level=settings.LOG_LEVEL)
    # then nothing the sandbox issued, nor a client secret, is in what was logged
    out, err = capfd.readouterr()
    logged = out + err
    assert "platform_request" in logged and "connection_refreshed" in logged
    issued = list(SandboxToken.objects.values_list("token", flat=True))
    assert len(issued) >= 6
    for secret in [*issued, "sandbox-x-secret", "sandbox-facebook-secret"]:
        assert secret not in logged
