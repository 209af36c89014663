"""Uploaded media is served at its public URL (platforms fetch images from there), under a
random name, with the recorded type; nothing else under /media/ is served."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200


def _upload(api_client_for, editor, brand, name="launch-secret.jpg"):
    image = SimpleUploadedFile(name, JPEG, content_type="image/jpeg")
    response = api_client_for(editor).post(
        f"/api/v1/brands/{brand.pk}/media/", {"file": image}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    return response.json()["public_url"]


def test_an_upload_is_served_anonymously_at_its_public_url(client, api_client_for, editor, brand):
    public_url = _upload(api_client_for, editor, brand)
    path = "/" + public_url.split("/", 3)[3]

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG


def test_the_public_name_does_not_reveal_the_original_file_name(api_client_for, editor, brand):
    assert "launch-secret" not in _upload(api_client_for, editor, brand)


def test_files_that_are_not_media_assets_are_not_served(client, media_root):
    (media_root / "media").mkdir()
    (media_root / "media" / "stray.jpg").write_bytes(JPEG)

    assert client.get("/media/media/stray.jpg").status_code == 404
    assert client.get("/media/media/../../etc/passwd").status_code == 404
