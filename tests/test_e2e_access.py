"""Sign-in and scoped share links in a real browser, with ``access = "login"``.

One Streamlit server in login mode and a local OpenID Connect provider
(``oidc-provider-mock``, on 127.0.0.1, started here), driven by headless Chromium. Share
links are created and revoked with the command line while the server runs.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import subprocess
import sys
import threading

import oidc_provider_mock as oidc
import pytest
import werkzeug.serving

from tools.serve import ROOT, free_port, server, wait_drawn

ADMIN = "people-analytics@example.com"
OTHERS = ("Engineering", "Marketing", "Customer Support", "Operations", "Finance")
PAGES = ("overview", "teams", "dimensions", "compare", "map", "trends")


@contextlib.contextmanager
def provider():
    """The OpenID Connect provider on 127.0.0.1 (any client id; its sign-in form takes the
    subject, which becomes the e-mail claim)."""
    httpd = werkzeug.serving.make_server("127.0.0.1", 0, oidc.app(), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Server, provider and the environment the command line needs to reach the same DB."""
    tmp = tmp_path_factory.mktemp("e2e_access")
    settings = tmp / "lvm_settings.toml"
    settings.write_text(f'min_group_size = 5\naccess = "login"\nadmins = ["{ADMIN}"]\n')
    port = free_port()
    with provider() as idp:
        secrets = tmp / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-long-random-string-for-the-tests-only"\n'
            'client_id = "lvm-dashboard"\nclient_secret = "not-a-secret"\n'
            f'server_metadata_url = "http://127.0.0.1:{idp.server_port}'
            '/.well-known/openid-configuration"\n')
        db = tmp / "e2e.duckdb"
        subprocess.run([sys.executable, "-m", "lvm_data", "import", "--db", str(db),
                        str(ROOT / "sample_data" / "sample_export.csv")], cwd=ROOT, check=True,
                       capture_output=True)
        with server(db, settings, port=port, log=tmp / "streamlit.log",
                    args=("--secrets.files", str(secrets))) as url:
            yield {"url": url, "env": {**os.environ, "LVM_DB": str(db),
                                       "LVM_SETTINGS": str(settings)}}


def cli(env, *args) -> str:
    out = subprocess.run([sys.executable, "-m", "lvm_data", *args], cwd=ROOT, env=env["env"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def wait_title(page, title: str) -> None:
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    wait_drawn(page)


def main_text(page) -> str:
    return page.get_by_test_id("stApp").inner_text()


def assert_nothing_shown(page) -> None:
    text = main_text(page)
    assert page.get_by_test_id("stMetric").count() == 0
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.get_by_test_id("stDataFrame").count() == 0
    assert not any(w in text for w in (*OTHERS, "Sales", "2025-H")), text


def sign_in(page, env, email: str) -> None:
    """Through the provider's own form: the e-mail is the subject it signs in."""
    page.goto(f"{env['url']}/overview")
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(env["url"])), timeout=60_000)


def test_visitor_without_a_link_sees_whom_to_ask_and_no_figures(page, env):
    page.goto(f"{env['url']}/teams?department=Sales&wave=2025-H1")
    page.get_by_text("This dashboard is private").wait_for(timeout=60_000)
    wait_drawn(page)
    assert ADMIN in main_text(page)
    assert_nothing_shown(page)


def test_admin_signs_in_and_sees_the_data_page(page, env):
    sign_in(page, env, ADMIN)
    wait_title(page, "Overview")
    assert page.get_by_test_id("stMetric").count() == 4
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Data", exact=True).click()   # not "Data quality"
    wait_title(page, "Data")
    assert page.locator("input[type='file']").count() >= 1
    assert ADMIN in page.get_by_test_id("stSidebar").inner_text()


def test_non_admin_signs_in_and_gets_no_data(page, env):
    sign_in(page, env, "someone@example.com")
    page.get_by_text("which has no access of its own").wait_for(timeout=60_000)
    assert_nothing_shown(page)
    page.goto(f"{env['url']}/data")
    page.get_by_text("which has no access of its own").wait_for(timeout=60_000)
    assert page.locator("input[type='file']").count() == 0
    assert_nothing_shown(page)


def test_link_that_requires_sign_in_opens_after_it(page, env):
    """Streamlit's sign-in returns to the home page; the dashboard brings the viewer back
    to the link, scoped, signed in as a colleague without access of their own."""
    link = cli(env, "share", "create", "--where", "department=HR", "--require-login")
    page.goto(env["url"] + link)
    page.get_by_text("signed-in colleagues only").wait_for(timeout=60_000)
    assert_nothing_shown(page)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name='sub']").fill("hr-lead@example.com")
    page.get_by_role("button", name="Authorize").click()
    wait_title(page, "Overview")
    assert page.get_by_test_id("stMetric").filter(has_text="Departments") \
        .get_by_test_id("stMetricValue").inner_text() == "1"
    text = main_text(page)
    assert "HR" in text and not any(w in text for w in (*OTHERS, "Sales")), text
    assert "share=" in page.url


def only_sales(page, echo: str = "") -> None:
    """No other department anywhere (charts, tables, options), except in ``echo``: the
    notice quoting the viewer's own edited URL back."""
    text = main_text(page).replace(echo, "")
    assert not any(w in text for w in OTHERS), [w for w in OTHERS if w in text]
    assert "Sales" in text


def test_sales_link_from_the_command_line(page, env, browser):
    link = cli(env, "share", "create", "--where", "department=Sales", "--page", "teams",
               "--label", "Head of Sales")
    assert link.startswith("/teams?share=")
    page.goto(env["url"] + link)
    wait_title(page, "Teams & roles")
    for name in PAGES:                               # Sales only, on every page
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(
            {"overview": "Overview", "teams": "Teams", "dimensions": "Dimensions",
             "compare": "Compare", "map": "map", "trends": "Trends"}[name])).click()
        page.wait_for_url(re.compile(f"/{name}\\?.*share="))
        wait_drawn(page)
        only_sales(page)
    assert page.get_by_test_id("stSidebarNav").get_by_role("link", name="Data").count() == 0

    widened = browser.new_context()                  # an edited URL cannot widen the scope
    try:
        other = widened.new_page()
        other.goto(env["url"] + link + "&department=Engineering&department=Sales")
        wait_title(other, "Teams & roles")
        notice = other.get_by_test_id("stAlert").first.inner_text()
        assert "department: Engineering (outside this link's scope)" in notice
        only_sales(other, echo=notice)
        other.goto(env["url"] + "/data" + link[len("/teams"):])
        wait_drawn(other)
        assert other.get_by_role("heading", name="Data").count() == 0
        assert other.locator("input[type='file']").count() == 0
        only_sales(other)
        other.goto(env["url"] + "/teams?department=Sales")      # without the share id
        other.get_by_text("This dashboard is private").wait_for(timeout=60_000)
        assert_nothing_shown(other)
    finally:
        widened.close()

    cli(env, "share", "revoke", link.split("share=")[1])
    role = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has_text="Role")
    role.locator("input").click()                    # any rerun of the open page
    page.get_by_role("option", name="Individual contributor", exact=True).click()
    page.get_by_text("It has been revoked").wait_for(timeout=60_000)
    wait_drawn(page)                                 # the run is over: stale charts are gone
    assert page.get_by_test_id("stMetric").count() == 0
    assert page.locator(".js-plotly-plot").count() == 0
    assert "Sales" not in main_text(page)
    listed = {row["id"]: row for row in csv.DictReader(io.StringIO(cli(env, "share", "list")))}
    row = listed[link.split("share=")[1]]      # one opening per browser session that loaded it
    assert (row["opens"], row["revoked"]) == ("3", "True"), row
