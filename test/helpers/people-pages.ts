import { csrfFrom, type signedIn } from "./app.js";

/** A signed-in client of the test app. */
export type Client = Awaited<ReturnType<typeof signedIn>>;

/** Five rows: two good, a malformed address, a duplicate of the first, one without an e-mail. */
export const PEOPLE_CSV = [
  "Email,Given name,Family name,Country,Shoe size",
  "alice@example.org,Alice,Smith,AU,38",
  "bob@example,Bob,Jones,NZ,44",
  "ALICE@example.org,Alice,Smith,AU,38",
  ",Carol,Nobody,US,40",
  "dave@example.org,Dave,Brown,AU,42",
].join("\r\n");

/** Uploads a CSV of people through the scope page's form, as a browser does. */
export async function uploadPeopleCsv(client: Client, reference: string, csv: string, name = "people.csv") {
  const page = await client.agent.get(`/incidents/${reference}/scope`);
  return client.agent
    .post(`/incidents/${reference}/people/import`)
    .field("_csrf", csrfFrom(page.text))
    .attach("file", Buffer.from(csv), name);
}

/** Posts a form with the CSRF token read from the page it is on. */
export async function postOnPage(client: Client, pagePath: string, path: string, form: Record<string, string> = {}) {
  const token = csrfFrom((await client.agent.get(pagePath)).text);
  return client.agent
    .post(path)
    .type("form")
    .send({ _csrf: token, ...form });
}
