// Sign-in with OIDC: the authorisation code flow with PKCE, run by the browser as a public
// client (no secret). The sign-in page starts it; the callback page checks the answer,
// exchanges the code for tokens and posts the access token to /ui/signin, where the hub checks
// it like any bearer token and keeps it in its session cookie, as it keeps an API key.
// What is in flight (state, nonce, verifier) waits in this tab's sessionStorage, used once.
"use strict";

const PENDING = "mdm-oidc-pending";
const CALLBACK = "/ui/oidc/callback";

function base64url(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier) {
  return base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

function showError(message) {
  const box = document.querySelector("[data-oidc-error]");
  box.textContent = message;
  box.hidden = false;
  const progress = document.querySelector("[data-oidc-progress]");
  if (progress) progress.hidden = true;
}

async function discover(issuer) {
  const url = issuer.replace(/\/$/, "") + "/.well-known/openid-configuration";
  let answer;
  try {
    answer = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (error) {
    throw new Error(`could not read ${url} (${error.message}); the provider must allow this origin (CORS)`);
  }
  if (!answer.ok) throw new Error(`${url} answered HTTP ${answer.status}`);
  const found = await answer.json();
  if (found.issuer !== issuer) {
    throw new Error(`${url} names the issuer ${found.issuer}, not the configured ${issuer}`);
  }
  return found;
}

async function start(settings) {
  const found = await discover(settings.oidcIssuer);
  const pending = {
    state: randomText(),
    nonce: randomText(),
    verifier: randomText(),
    clientId: settings.oidcClientId,
    provider: settings.oidcProvider,
    tokenEndpoint: found.token_endpoint,
    redirectUri: new URL(CALLBACK, location.origin).href,
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const target = new URL(found.authorization_endpoint);
  const query = {
    response_type: "code",
    client_id: pending.clientId,
    redirect_uri: pending.redirectUri,
    scope: settings.oidcScopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: "S256",
  };
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  location.assign(target.href);
}

function claimsOf(jwt) {
  const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload));
}

async function exchange(pending, code) {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code: code,
    redirect_uri: pending.redirectUri,
    client_id: pending.clientId,
    code_verifier: pending.verifier,
  });
  let answer;
  try {
    answer = await fetch(pending.tokenEndpoint, { method: "POST", body: body, headers: { Accept: "application/json" } });
  } catch (error) {
    throw new Error(`could not reach the token endpoint ${pending.tokenEndpoint} (${error.message}); the provider must allow this origin (CORS)`);
  }
  const tokens = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    const reason = [tokens.error, tokens.error_description].filter(Boolean).join(": ");
    throw new Error(`${pending.provider} refused to exchange the code for a token (HTTP ${answer.status}${reason ? ", " + reason : ""})`);
  }
  if (!tokens.access_token) throw new Error(`${pending.provider} answered without an access token`);
  // The ID token came straight from the token endpoint: its nonce ties it to this sign-in.
  if (tokens.id_token && claimsOf(tokens.id_token).nonce !== pending.nonce) {
    throw new Error("the ID token's nonce does not match this sign-in, so it may be replayed");
  }
  return tokens.access_token;
}

async function finish() {
  const answer = new URLSearchParams(location.search);
  const stored = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);  // one answer per sign-in, whatever it says
  // The code and state are spent: keep them out of the history and the Referer.
  history.replaceState(null, "", location.pathname);
  if (stored === null) {
    throw new Error("no sign-in was started in this browser tab, or its answer was already used: start again");
  }
  const pending = JSON.parse(stored);
  // An error signs nothing in, so it is told as the provider gave it, state or not.
  if (answer.has("error")) {
    const reason = [answer.get("error"), answer.get("error_description")].filter(Boolean).join(": ");
    throw new Error(`${pending.provider} did not sign you in: ${reason}`);
  }
  if (answer.get("state") !== pending.state) {
    throw new Error("the answer's state does not match the sign-in this tab started, so it may be forged or replayed");
  }
  if (!answer.get("code")) throw new Error(`${pending.provider} answered without a code`);
  const form = document.querySelector("[data-oidc-finish]");
  form.elements.credential.value = await exchange(pending, answer.get("code"));
  form.submit();
}

document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-oidc-start]");
  if (button) {
    const settings = button.closest("[data-oidc-issuer]").dataset;
    button.addEventListener("click", () => {
      button.disabled = true;
      start(settings).catch((error) => {
        button.disabled = false;
        showError(`Sign-in with ${settings.oidcProvider} could not start: ${error.message}.`);
      });
    });
  } else if (document.querySelector("[data-oidc-finish]")) {
    finish().catch((error) => showError(`Not signed in: ${error.message}.`));
  }
});
