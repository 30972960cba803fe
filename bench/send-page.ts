// The campaign page of bench/send.ts, served by the app itself (createApp: sessions, CSRF, the
// signed-in user, the page's queries and its EJS) on a free port, with a signed-in session.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../src/app.js";
import type { Deps } from "../src/deps.js";
import { createUser } from "../src/modules/users/users.service.js";

const PASSWORD = "correct horse battery staple";

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** Starts the app, signs a manager in, and returns the campaign page's URL and a fetch that carries the session. */
export async function startCampaignPageServer(deps: Deps, reference: string, campaignId: string) {
  const app = await createApp(deps);
  await createUser(
    deps,
    { method: "password", email: "bench@example.org", name: "Bench", role: "manager", password: PASSWORD },
    { userId: null, label: "bench", ip: null },
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const loginPage = await fetch(`${origin}/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? "";
  const signIn = await fetch(`${origin}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(loginPage) },
    body: new URLSearchParams({ _csrf: csrf, email: "bench@example.org", password: PASSWORD }),
  });
  if (signIn.status !== 303) throw new Error(`signing in for the bench failed with ${signIn.status}`);
  const cookie = cookiesOf(signIn);
  return {
    server,
    url: `${origin}/incidents/${reference}/campaigns/${campaignId}`,
    get: (url: string) => fetch(url, { headers: { cookie } }),
  };
}
