"""Sign-in with OIDC in a real browser, on each store: the authorisation code flow with PKCE
through a real provider on loopback, the role from the token's claims. A forged answer, a
refusal, a failed code exchange and a token the hub does not accept are each told plainly
and sign nobody in."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.e2e.conftest import OidcHub
from tests.e2e.test_review import _queue_two, _status

# What a page's own scripts could read of the session: the token must be in none of it.
READABLE = "() => [document.cookie, sessionStorage.length, localStorage.length]"


async def _through_provider(page: Page, hub: OidcHub, user: str, button: str = "Continue") -> None:
    await page.goto(f"{hub.url}/ui/")
    await page.get_by_role("button", name="Sign in with Firm SSO").click()
    await page.get_by_label("User name").fill(user)
    await page.get_by_role("button", name=button).click()


async def _signed_out(page: Page, hub: OidcHub) -> None:
    await page.goto(f"{hub.url}/ui/")
    await expect(page).to_have_url(f"{hub.url}/ui/signin")


async def test_a_steward_signs_in_through_the_provider_and_decides(
    oidc_hub: OidcHub, page: Page
) -> None:
    _, unsure = await _queue_two(oidc_hub)
    await _through_provider(page, oidc_hub, "jane")
    await expect(page.get_by_test_id("who")).to_have_text("jane")
    await expect(page.locator("header .who")).to_contain_text("(steward)")
    await expect(page).to_have_url(f"{oidc_hub.url}/ui/")
    assert oidc_hub.provider.issued == ["jane"]
    assert await page.evaluate(READABLE) == ["", 0, 0]

    await page.get_by_role("link", name="Review queue").click()
    rows = page.get_by_test_id("candidate-row")
    await expect(rows).to_have_count(2)
    await rows.first.get_by_role("link").click()
    await page.get_by_label("Reason").fill("same person per HR")
    await page.get_by_role("button", name="Match", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("matched")
    assert await _status(oidc_hub, unsure[0]["matchCandidateId"]) == "MATCHED"
    query = "query C($id: ID!) { matchCandidate(id: $id) { decidedBy } }"
    decided = await oidc_hub.api.data(query, {"id": unsure[0]["matchCandidateId"]})
    assert decided["matchCandidate"]["decidedBy"] == "jane"  # the token's subject

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("button", name="Sign in with Firm SSO")).to_be_visible()
    await _signed_out(page, oidc_hub)


async def test_an_auditor_signed_in_by_oidc_is_offered_no_mutation(
    oidc_hub: OidcHub, page: Page
) -> None:
    _, unsure = await _queue_two(oidc_hub)
    await _through_provider(page, oidc_hub, "olga")
    await expect(page.locator("header .who")).to_contain_text("olga (auditor)")
    await page.get_by_role("link", name="Review queue").click()
    await expect(page.get_by_test_id("candidate-row")).to_have_count(2)
    await page.goto(f"{oidc_hub.url}/ui/candidates/{unsure[0]['matchCandidateId']}")
    await expect(page.get_by_test_id("comparison")).to_have_count(1)
    await expect(page.get_by_role("button", name="Match", exact=True)).to_have_count(0)
    await expect(page.locator("form[method=post]:not([action='/ui/signout'])")).to_have_count(0)


async def test_a_tampered_state_is_refused_and_the_code_never_exchanged(
    oidc_hub: OidcHub, page: Page
) -> None:
    await page.goto(f"{oidc_hub.url}/ui/")
    await page.get_by_role("button", name="Sign in with Firm SSO").click()
    await page.get_by_label("User name").fill("jane")
    # The answer comes back with another state than the one this tab sent.
    await page.locator("input[name=state]").evaluate("field => { field.value = 'forged' }")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_test_id("oidc-error")).to_contain_text(
        "state does not match the sign-in this tab started"
    )
    assert oidc_hub.provider.issued == []
    assert len(oidc_hub.provider.grants) == 1  # its code was never brought to the provider
    await _signed_out(page, oidc_hub)


async def test_a_refusal_at_the_provider_is_told(oidc_hub: OidcHub, page: Page) -> None:
    await _through_provider(page, oidc_hub, "jane", button="Deny")
    await expect(page.get_by_test_id("oidc-error")).to_have_text(
        "Not signed in: Firm SSO did not sign you in: access_denied: the user refused."
    )
    await _signed_out(page, oidc_hub)


async def test_a_failed_code_exchange_is_told(oidc_hub: OidcHub, page: Page) -> None:
    # Before the callback page's script runs, its PKCE verifier is swapped: the provider
    # must refuse the code, as it would a code stolen without the verifier.
    await page.add_init_script(
        """if (location.pathname === "/ui/oidc/callback") {
             const pending = JSON.parse(sessionStorage.getItem("mdm-oidc-pending"));
             pending.verifier = "x".repeat(43);
             sessionStorage.setItem("mdm-oidc-pending", JSON.stringify(pending));
           }"""
    )
    await _through_provider(page, oidc_hub, "jane")
    await expect(page.get_by_test_id("oidc-error")).to_contain_text(
        "Firm SSO refused to exchange the code for a token "
        "(HTTP 400, invalid_grant: PKCE verification failed)"
    )
    assert oidc_hub.provider.issued == []
    await _signed_out(page, oidc_hub)


async def test_a_token_the_hub_does_not_accept_is_told_with_its_reason(
    oidc_hub: OidcHub, page: Page
) -> None:
    oidc_hub.provider.audience = "another-app"
    await _through_provider(page, oidc_hub, "jane")
    await expect(page.get_by_test_id("error")).to_contain_text(
        "The token from Firm SSO did not sign you in: invalid bearer token: Audience"
    )
    assert oidc_hub.provider.issued == ["jane"]
    await _signed_out(page, oidc_hub)


async def test_an_id_token_from_another_sign_in_is_refused(oidc_hub: OidcHub, page: Page) -> None:
    oidc_hub.provider.replayed_nonce = "nonce-of-another-sign-in"
    await _through_provider(page, oidc_hub, "jane")
    await expect(page.get_by_test_id("oidc-error")).to_contain_text(
        "the ID token's nonce does not match this sign-in"
    )
    await _signed_out(page, oidc_hub)
