"""The fake people and accounts behind each sandbox platform's consent page."""

X_USER = {"id": "1500000000000000001", "name": "Acme Sandbox", "username": "acme_sandbox"}
FACEBOOK_USER = {"id": "10000000001", "name": "Sam Sandbox"}
FACEBOOK_PAGES = [
    {"id": "200000000001", "name": "Acme Coffee Page", "tasks": ["CREATE_CONTENT", "MANAGE"]},
    {"id": "200000000002", "name": "Acme Tea Page", "tasks": ["CREATE_CONTENT"]},
]
INSTAGRAM_ACCOUNT = {
    "id": "30000000000000001",  # app-scoped id
    "user_id": "17840000000000001",  # the professional account id
    "username": "acme.sandbox",
    "name": "Acme on Instagram",
    "account_type": "BUSINESS",
}
LINKEDIN_MEMBER = {"sub": "sbxMember01", "name": "Lee Sandbox", "given_name": "Lee"}
LINKEDIN_ORGS = [
    {"id": "900001", "localizedName": "Acme Corp", "vanityName": "acme-corp"},
    {"id": "900002", "localizedName": "Acme Labs", "vanityName": "acme-labs"},
]
GOOGLE_USER = {"sub": "sbx-google-1", "name": "Gabi Sandbox"}
GOOGLE_ACCOUNT = {"name": "accounts/111000", "accountName": "Acme Coffee Group"}
GOOGLE_LOCATIONS = [
    {"name": "locations/501", "title": "Acme Coffee — Downtown"},
    {"name": "locations/502", "title": "Acme Coffee — Harbour"},
]


def avatar_url(request, platform: str, key: str) -> str:
    return request.build_absolute_uri(f"/sandbox/avatar/{platform}/{key}.svg")
