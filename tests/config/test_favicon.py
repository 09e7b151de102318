"""Every page names the site's icon, and a browser's own request for /favicon.ico finds it (no 404)."""

from django.contrib.staticfiles import finders


def test_favicon_ico_leads_to_the_icon_that_exists(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("lotse/favicon.svg")
    assert finders.find("lotse/favicon.svg")


def test_pages_name_the_icon(client, site_home):
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in html and "lotse/favicon.svg" in html
