import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

// A real OpenID provider (the oidc-provider package) on 127.0.0.1, for the single sign-on tests.
// Its sign-in page asks only for the test account's name and then signs that account in with
// the claims the test gave it (and consents for it): a person at a real provider typing their
// password, without the password. PKCE is required, so a client without it fails.

/** What the provider says about a test account: its claims, and how it was signed in (amr). */
export interface TestIdentity {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
  amr?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The accounts by name (the subject); a test may change one's claims between sign-ins. */
  accounts: Map<string, TestIdentity>;
  close(): Promise<void>;
}

const CLIENT_ID = "breachdesk-test";

/** Starts the provider on a free port of 127.0.0.1, with one client whose redirect URI is redirectUri. */
export async function startTestProvider(redirectUri: string): Promise<TestProvider> {
  const accounts = new Map<string, TestIdentity>();
  const clientSecret = randomBytes(24).toString("base64url");
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => handle?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test", alg: "RS256", use: "sig" }] as never },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    // amr is no default claim of oidc-provider: listed with openid, the ID token says how the account signed in.
    claims: { openid: ["sub", "amr"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const identity = accounts.get(id);
      if (!identity) return undefined;
      const { amr: _amr, ...claims } = identity;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
  });
  // The provider logs nothing of its own; its errors would show in the relying party's answer.
  provider.on("server_error", (_ctx, error) => console.error("test OpenID provider:", error));
  const providerCallback = provider.callback();

  handle = (req, res) => {
    const match = /^\/interaction\/([\w-]+)$/.exec(req.url ?? "");
    if (!match) return void providerCallback(req, res);
    interaction(req, res).catch((error: unknown) => {
      console.error("test OpenID provider interaction:", error);
      res.statusCode = 500;
      res.end("interaction failed");
    });
  };

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (req.method === "GET") {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(
        `<!doctype html><html lang="en"><head><title>Test provider: sign in</title><link rel="icon" href="data:,"></head><body><h1>Test provider</h1>` +
          `<form method="post" action="/interaction/${details.uid}"><label for="login">Account</label>` +
          `<input id="login" name="login" autocomplete="off"><button type="submit">Continue</button></form></body></html>`,
      );
      return;
    }
    const body = new URLSearchParams(await readBody(req));
    const accountId = body.get("login") ?? "";
    const identity = accounts.get(accountId);
    if (!identity) {
      await provider.interactionFinished(req, res, { error: "access_denied", error_description: "no such test account" });
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId, amr: identity.amr ?? ["pwd"], remember: false }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer,
    clientId: CLIENT_ID,
    clientSecret,
    accounts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      text += chunk;
    });
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

/**
 * Goes through the provider as a browser would, from the authorization URL the app redirected
 * to, signing in as `account`, and returns the URL the provider sends the browser back to (the
 * app's callback, with its code and state, or with an error). Cookies are kept per flow only,
 * so every flow asks for the account again.
 */
export async function signInAtProvider(authorizationUrl: string, account: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(authorizationUrl);
  const origin = url.origin;
  let body: string | undefined;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      method: body ? "POST" : "GET",
      redirect: "manual",
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body,
    });
    body = undefined;
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const location = res.headers.get("location");
    if (location) {
      url = new URL(location, url);
      if (url.origin !== origin) return url;
      continue;
    }
    if (res.status === 200 && url.pathname.startsWith("/interaction/")) {
      await res.text();
      body = new URLSearchParams({ login: account }).toString();
      continue;
    }
    throw new Error(`the test provider answered ${res.status} at ${url.pathname}: ${(await res.text()).slice(0, 300)}`);
  }
  throw new Error("the test provider redirected more than ten times");
}
