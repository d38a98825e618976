"""The newsroom over HTTP (Starlette's TestClient): every route refuses a request without a session, a forged
or missing CSRF token changes nothing, logging out ends the session even for a copied cookie, login attempts
are rate-limited per address, and the draft, preview, export, send and history routes do what they say."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

import pytest
from newsroom_data import EMAIL, LIST, NOW, PASSWORD, TITLES, USER, csrf_of, setup_home
from starlette.testclient import TestClient
from test_newsletter_send import smtp  # noqa: F401 - the aiosmtpd server on 127.0.0.1 they share

from newsletters.drafts import load_draft
from service.app import create_app
from service.newsroom import NewsroomOptions
from service.newsroom.accounts import remove_user
from warehouse.store import Warehouse

HTML = {"accept": "text/html,application/xhtml+xml"}
GETS = [
    "/newsroom/",
    "/newsroom/digest/nl",
    "/newsroom/digest/nl/preview",
    "/newsroom/digest/nl/email.html",
    "/newsroom/digest/nl/export.html",
    "/newsroom/digest/nl/export.txt",
    "/newsroom/digest/nl/export.eml",
    "/newsroom/history",
    "/newsroom/history/digest/digest-nl-20270301T080000Z-abcdef",
    "/newsroom/history/digest/digest-nl-20270301T080000Z-abcdef/email.html",
    "/newsroom/no-such-page",
]
POSTS = [
    "/newsroom/logout",
    "/newsroom/digest/nl/draft",
    "/newsroom/digest/nl/test",
    "/newsroom/digest/nl/send",
    "/newsroom/digest/nl/mark-sent",
]


@pytest.fixture
def site(home, tmp_path, smtp):  # noqa: F811 - the imported fixture
    themes = setup_home(home, tmp_path)
    options = NewsroomOptions(themes_file=themes, now=lambda: NOW, smtp=smtp[1])
    return home, create_app(home, newsroom_options=options), smtp[0]


def login(client: TestClient, password: str = PASSWORD):
    token = csrf_of(client.get("/newsroom/login").text)
    return client.post(
        "/newsroom/login",
        data={"username": USER, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def logged_in(app) -> TestClient:
    client = TestClient(app)
    assert login(client).status_code == 303
    return client


def token(client: TestClient, path: str = "/newsroom/digest/nl") -> str:
    return csrf_of(client.get(path).text)


@pytest.mark.parametrize("path", GETS)
def test_every_get_route_needs_a_session(site, path):
    client = TestClient(site[1])
    page = client.get(path, headers=HTML, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/newsroom/login?next=")
    assert client.get(path, headers={"accept": "application/json"}).status_code == 401


@pytest.mark.parametrize("path", POSTS)
def test_every_post_route_needs_a_session(site, path):
    client = TestClient(site[1])
    page = client.post(path, data={"csrf_token": "x"}, headers=HTML, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/newsroom/login?next=/newsroom/"
    assert client.post(path, data={}).status_code == 401


def test_member_pages_and_feeds_stay_public(site):
    client = TestClient(site[1])
    assert client.get("/feeds/atom").status_code == 200
    assert client.get("/", headers=HTML, follow_redirects=False).status_code == 200


def test_login_sets_a_signed_httponly_samesite_cookie(site):
    client = TestClient(site[1])
    answer = login(client)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/newsroom/"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("vigie_newsroom="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/newsroom" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    assert client.get("/newsroom/", follow_redirects=False).status_code == 200


def test_cookie_is_secure_over_https(site):
    client = TestClient(site[1], base_url="https://testserver")
    cookie = next(c for c in login(client).headers.get_list("set-cookie") if c.startswith("vigie_newsroom="))
    assert "Secure" in cookie


def test_wrong_password_and_forged_login_token(site):
    client = TestClient(site[1])
    assert login(client, "not the password").status_code == 401
    forged = client.post(
        "/newsroom/login", data={"username": USER, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert forged.status_code == 403
    assert client.get("/newsroom/", headers=HTML, follow_redirects=False).status_code == 303


def test_tampered_session_cookie_is_refused(site):
    client = logged_in(site[1])
    cookie = next(c for c in client.cookies.jar if c.name == "vigie_newsroom")
    tampered = cookie.value[:-2] + ("AA" if cookie.value[-2:] != "AA" else "BB")
    # Same domain and path as the server's cookie, so that it is replaced, not sent beside the tampered one.
    client.cookies.set("vigie_newsroom", tampered, domain=cookie.domain, path=cookie.path)
    assert [c.value for c in client.cookies.jar if c.name == "vigie_newsroom"] == [tampered]
    assert client.get("/newsroom/", headers=HTML, follow_redirects=False).status_code == 303


def test_login_never_redirects_elsewhere(site):
    client = TestClient(site[1])
    page = client.get("/newsroom/login?next=https://evil.example/")
    assert 'name="next" value="/newsroom/"' in page.text


@pytest.mark.parametrize("given", ["forged-token", None])
def test_forged_or_missing_csrf_token_changes_nothing(site, given):
    home, app, inbox = site
    client = logged_in(app)
    data = {"action": "remove", "item_id": "test-source:1"}
    if given:
        data["csrf_token"] = given
    for path in POSTS:
        assert client.post(f"{path}", data=data, follow_redirects=False).status_code == 403
    assert load_draft(home, "digest", "nl").removed == []
    assert inbox.messages == []
    assert Warehouse(home).newsletter_history("digest") == []
    assert client.get("/newsroom/", follow_redirects=False).status_code == 200  # still logged in


def test_logout_ends_the_session_even_for_a_copied_cookie(site):
    client = logged_in(site[1])
    copied = client.cookies["vigie_newsroom"]
    answer = client.post(
        "/newsroom/logout", data={"csrf_token": token(client, "/newsroom/")}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/newsroom/login"
    assert client.get("/newsroom/", headers=HTML, follow_redirects=False).status_code == 303
    replay = TestClient(site[1])
    replay.cookies.set("vigie_newsroom", copied, path="/newsroom")
    assert replay.get("/newsroom/digest/nl", headers=HTML, follow_redirects=False).status_code == 303


def test_removing_a_user_ends_their_session(site):
    home, app, _ = site
    client = logged_in(app)
    remove_user(home, USER)
    assert client.get("/newsroom/", headers=HTML, follow_redirects=False).status_code == 303


def test_login_rate_limit_per_address(site):
    app = site[1]
    attacker = TestClient(app, client=("203.0.113.7", 4000))
    for _ in range(10):
        assert login(attacker, "guess").status_code == 401
    assert login(attacker, "guess").status_code == 429
    assert login(attacker).status_code == 429  # even the right password, for ten minutes
    assert login(TestClient(app, client=("198.51.100.2", 4000))).status_code == 303


def test_unknown_theme_or_language_is_404(site):
    client = logged_in(site[1])
    assert client.get("/newsroom/nope/nl").status_code == 404
    assert client.get("/newsroom/digest/de").status_code == 404


def test_index_lists_every_theme_and_language_with_counts(site):
    page = logged_in(site[1]).get("/newsroom/?hl=en")
    assert page.status_code == 200
    assert 'id="open-digest-nl"' in page.text and 'id="open-digest-fr"' in page.text
    assert "Newsletters to prepare" in page.text


def test_interface_language_switch(site):
    client = logged_in(site[1])
    assert "Vastzetten" in client.get("/newsroom/digest/nl?hl=nl").text
    assert "Vastzetten" in client.get("/newsroom/digest/nl").text  # kept
    assert "Épingler" in client.get("/newsroom/digest/nl?hl=fr").text


def test_pages_allow_no_script(site):
    page = logged_in(site[1]).get("/newsroom/digest/nl")
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def _act(client, action, item_id="", **extra):
    data = {"csrf_token": token(client), "action": action, "item_id": item_id, **extra}
    return client.post("/newsroom/digest/nl/draft", data=data, follow_redirects=False)


def _order(html: str) -> list[str]:
    import re

    return re.findall(r'<article class="card[^"]*" id="item-\d+" data-id="([^"]+)"', html)


def test_draft_actions_change_the_issue(site):
    home, app, _ = site
    client = logged_in(app)
    assert _order(client.get("/newsroom/digest/nl").text) == [
        "test-source:1",
        "test-source:2",
        "test-source:4",
        "test-source:5",
        "test-source:7",
    ]
    assert _act(client, "remove", "test-source:2").headers["location"] == "/newsroom/digest/nl?done=remove"
    assert _act(client, "pin", "test-source:5").status_code == 303
    shown = ["test-source:1", "test-source:3"]
    assert (
        client.post(
            "/newsroom/digest/nl/draft",
            data={"csrf_token": token(client), "action": "down", "item_id": "test-source:1", "shown": shown},
            follow_redirects=False,
        ).status_code
        == 303
    )
    assert _act(client, "add", "test-source:6").status_code == 303
    page = client.get("/newsroom/digest/nl").text
    # 2 removed lets 3 in; 1 moved below 3; 5 pinned on top of "new"; 6 added beyond the limit of 2.
    assert _order(page) == [
        "test-source:3",
        "test-source:1",
        "test-source:5",
        "test-source:4",
        "test-source:6",
        "test-source:7",
    ]
    assert TITLES["test-source:2"] in page.split('id="send-test"')[0].split("<h2>")[-2]  # in the removed list
    saved = json.loads((home / "newsroom" / "drafts" / "digest-nl.json").read_text())
    assert saved["removed"] == ["test-source:2"]
    assert saved["pinned"] == ["test-source:5"]
    assert saved["updated_by"] == USER


def test_words_and_preview(site):
    client = logged_in(site[1])
    answer = _act(
        client,
        "words",
        intro="Deze week: <strong>drie</strong> oproepen.<script>x</script>",
        subject="Onze selectie van maart",
    )
    assert answer.status_code == 303
    preview = client.get("/newsroom/digest/nl/preview").text
    assert 'id="frame-desktop"' in preview and 'id="frame-mobile"' in preview
    assert "Onze selectie van maart" in preview
    assert "Deze week: drie oproepen." in preview  # the text part, markup gone
    email = client.get("/newsroom/digest/nl/email.html")
    assert "<strong>drie</strong>" in email.text
    assert "<script>" not in email.text
    assert "script-src" not in email.headers["content-security-policy"]
    exported = client.get("/newsroom/digest/nl/export.eml")
    msg = message_from_bytes(exported.content, policy=policy.default)
    assert str(msg["Subject"]) == "Onze selectie van maart"
    assert 'filename="digest-2027-03-01-nl.eml"' in exported.headers["content-disposition"]


def test_source_text_is_escaped(site):
    client = logged_in(site[1])
    page = client.get("/newsroom/digest/nl?q=" + "<img src=x onerror=alert(1)>").text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_search_finds_items_to_add(site):
    page = logged_in(site[1]).get("/newsroom/digest/nl?q=fotografen").text
    assert 'class="card found" data-id="test-source:6"' in page


def test_send_test_goes_to_the_user_only_and_records_nothing(site):
    home, app, inbox = site
    client = logged_in(app)
    answer = client.post(
        "/newsroom/digest/nl/test", data={"csrf_token": token(client)}, follow_redirects=False
    )
    assert answer.headers["location"] == "/newsroom/digest/nl?done=test_sent"
    rcpt, msg = inbox.messages[0]
    assert rcpt == [EMAIL]
    assert str(msg["Subject"]).startswith("[Test] Vigie — het overzicht")
    assert Warehouse(home).newsletter_history("digest") == []


def test_send_records_clears_the_draft_and_keeps_what_did_not_fit(site):
    home, app, inbox = site
    client = logged_in(app)
    _act(client, "remove", "test-source:2")
    answer = client.post(
        "/newsroom/digest/nl/send", data={"csrf_token": token(client)}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/newsroom/history/digest/digest-nl-20270301T080000Z-")
    rcpt, msg = inbox.messages[0]
    assert rcpt == [LIST]
    assert msg["List-Unsubscribe"] == "<https://smart.example/newsletters/preferences>"
    history = Warehouse(home).newsletter_history("digest")
    assert sorted(i["id"] for i in history[0]["items"]) == [
        "test-source:1",
        "test-source:3",
        "test-source:4",
        "test-source:5",
        "test-source:7",
    ]
    sent_path, _, done = answer.headers["location"].partition("?")
    assert done == "done=sent"
    sent_page = client.get(answer.headers["location"]).text
    assert "Vigie — het overzicht" in sent_page
    assert 'id="done"' in sent_page
    frame = client.get(sent_path + "/email.html")
    assert TITLES["test-source:1"] in frame.text
    assert f'href="{sent_path}"' in client.get("/newsroom/history").text
    assert _order(client.get("/newsroom/digest/nl").text) == ["test-source:6"]
    assert load_draft(home, "digest", "nl").removed == ["test-source:2"]


def test_empty_issue_needs_confirmation(site):
    home, app, inbox = site
    client = logged_in(app)
    for item_id in TITLES:
        _act(client, "remove", item_id)
    refused = client.post("/newsroom/digest/nl/mark-sent", data={"csrf_token": token(client)})
    assert refused.status_code == 400
    assert "digest (nl): nothing new since the last issue" in refused.text
    forced = client.post(
        "/newsroom/digest/nl/mark-sent",
        data={"csrf_token": token(client), "force": "yes"},
        follow_redirects=False,
    )
    assert forced.status_code == 303
    assert len(Warehouse(home).newsletter_history("digest")) == 1
    assert inbox.messages == []


def test_send_without_a_list_says_what_to_do(site):
    client = logged_in(site[1])
    answer = client.post(
        "/newsroom/digest/fr/send", data={"csrf_token": token(client, "/newsroom/digest/fr")}
    )
    assert answer.status_code == 400
    assert "no list to send to: add list_address.fr" in answer.text
