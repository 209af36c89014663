"""Capture the dashboard, the connection wizard, the posts page and the composer of a running
demo (`make run`) into docs/screenshots/, with Debian's Chromium through Playwright.

    make screenshots                      # demo at http://127.0.0.1:8000
    BASE_URL=http://host:8000 make screenshots

Logs in as the demo admin (password from var/demo-admin-password, as seed_demo writes it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    from playwright.sync_api import sync_playwright

    base = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    username = os.environ.get("DEMO_USER", "admin")
    password_file = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "demo-admin-password"
    password = os.environ.get("DEMO_PASSWORD") or password_file.read_text().strip()
    brand_id = os.environ.get("DEMO_BRAND_ID", "1")
    OUT.mkdir(parents=True, exist_ok=True)
    failed = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        shots = {
            "dashboard.png": f"/admin/dashboard/?brand={brand_id}",
            "connections.png": f"/brands/{brand_id}/connections/",
            "posts.png": f"/brands/{brand_id}/posts/",
            "composer.png": f"/brands/{brand_id}/posts/new/",
        }
        for name, path in shots.items():
            response = page.goto(base + path)
            page.wait_for_load_state("networkidle")
            status = response.status if response else 0
            if status != 200:  # never save a picture of an error page as the feature
                print(f"{name}: {base}{path} -> HTTP {status}, not captured", file=sys.stderr)
                failed += 1
                continue
            page.screenshot(path=str(OUT / name), full_page=True)
            print(f"{name}: {base}{path} -> {OUT / name}")
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
