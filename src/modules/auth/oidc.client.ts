import * as oidc from "openid-client";
import type { Config } from "../../config/config.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { scopesOf } from "./oidc.policy.js";

// The conversation with the OpenID provider, through openid-client (decision 0031): discovery,
// the authorization URL with PKCE, state and nonce, and the code exchange with its checks.

/** What the browser's session keeps between the redirect to the provider and its way back. */
export interface SsoFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
  startedAt: string;
}

/** The claims a sign-in goes on: the ID token's, with the userinfo endpoint's added. */
export interface SsoClaims {
  issuer: string;
  subject: string;
  claims: Record<string, unknown>;
  amr: unknown;
}

/** How long the provider may take to answer one request. */
const TIMEOUT_SECONDS = 10;

// One discovery per configuration (per app), kept once it succeeded. Discovery happens at the
// first sign-in, not at start, so Breachdesk starts while the provider is down; a failed one is
// forgotten, so the next sign-in tries again.
const discovered = new WeakMap<Config, Promise<oidc.Configuration>>();

export function redirectUriOf(config: Config): string {
  return `${config.publicUrl}/login/sso/callback`;
}

/** The provider's configuration, discovered at first use; unavailable, saying so, when it cannot be reached. */
export function providerConfiguration(deps: Deps): Promise<oidc.Configuration> {
  const config = deps.config;
  let found = discovered.get(config);
  if (!found) {
    found = discover(config).catch((error: unknown) => {
      discovered.delete(config);
      deps.logger.warn({ err: error, issuer: config.OIDC_ISSUER_URL }, "could not discover the OpenID provider");
      throw new AppError(
        "unavailable",
        `Breachdesk could not reach ${config.OIDC_PROVIDER_NAME} (${config.OIDC_ISSUER_URL}) to start single sign-on. Try again in a few minutes; if it goes on, tell your administrator.`,
      );
    });
    discovered.set(config, found);
  }
  return found;
}

function discover(config: Config): Promise<oidc.Configuration> {
  const issuer = new URL(config.OIDC_ISSUER_URL!);
  const clientAuth = config.OIDC_CLIENT_SECRET ? oidc.ClientSecretBasic(config.OIDC_CLIENT_SECRET) : oidc.None();
  // The settings allow http:// only for a provider on this machine (oidc-settings.ts).
  const execute = issuer.protocol === "http:" ? [oidc.allowInsecureRequests] : [];
  return oidc.discovery(issuer, config.OIDC_CLIENT_ID!, config.OIDC_CLIENT_SECRET, clientAuth, {
    execute,
    timeout: TIMEOUT_SECONDS,
  });
}

/** A new flow (fresh state, nonce and PKCE verifier) and the provider's URL that starts it. */
export async function startFlow(deps: Deps, next: string): Promise<{ url: URL; flow: SsoFlow }> {
  const configuration = await providerConfiguration(deps);
  const flow: SsoFlow = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
    next,
    startedAt: deps.clock.now().toISOString(),
  };
  const url = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUriOf(deps.config),
    scope: scopesOf(deps.config.OIDC_SCOPES),
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { url, flow };
}

/**
 * Finishes a flow from the URL the provider sent the browser back to: checks the state, trades
 * the code (with the PKCE verifier) for tokens, checks the ID token (signature, issuer,
 * audience, expiry, nonce) and reads the userinfo endpoint for the subject the ID token names.
 * Throws AppError("unauthenticated") with the provider's reason when any check fails.
 */
export async function finishFlow(deps: Deps, callbackUrl: URL, flow: SsoFlow): Promise<SsoClaims> {
  const configuration = await providerConfiguration(deps);
  try {
    const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims()!;
    const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
    return { issuer: idClaims.iss, subject: idClaims.sub, claims: { ...userinfo, ...idClaims }, amr: idClaims.amr };
  } catch (error) {
    if (error instanceof AppError) throw error;
    deps.logger.warn({ err: error }, "a single sign-on was refused");
    throw new AppError(
      "unauthenticated",
      `${deps.config.OIDC_PROVIDER_NAME} did not complete the sign-in: ${reasonOf(error)} Start again from the sign-in page.`,
    );
  }
}

/** The provider's own words for a refused authorization (error_description), or the library's. */
function reasonOf(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return `${error.error_description ?? error.error}.`;
  }
  return error instanceof Error ? `${error.message.replace(/\.$/, "")}.` : "an unexpected answer.";
}
