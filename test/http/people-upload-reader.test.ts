import assert from "node:assert/strict";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import express from "express";
import supertest from "supertest";
import { peopleUploadBody, storedUploadOf } from "../../src/modules/people/people-upload.middleware.js";

describe("people upload reader", () => {
  const directory = mkdtempSync(join(tmpdir(), "people-upload-"));
  after(() => rmSync(directory, { recursive: true, force: true }));
  const app = express();
  app.use((req, res, next) => {
    res.locals.currentUser = { role: "manager" };
    // The session the app's middleware would load, with the form's token.
    (req as { session?: object }).session = { csrfToken: "token" };
    next();
  });
  app.use(peopleUploadBody({ directory, maxBytes: 64 }));
  app.post("/incidents/:ref/people/import", (req, res) => {
    const file = storedUploadOf(req);
    res.json({ body: req.body, file, onDisk: file && existsSync(file.path) ? readFileSync(file.path, "utf8") : null });
  });
  const refusals: ((error: unknown) => void)[] = [];
  app.use((error: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
    for (const notify of refusals.splice(0)) notify(error);
    next(error);
  });

  it("deletes what it stored of an upload whose client went away before the end", { timeout: 10_000 }, async () => {
    const before = new Set(readdirSync(directory));
    const refused = new Promise<unknown>((resolve) => refusals.push(resolve));
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const { port } = server.address() as AddressInfo;
      const boundary = "----cutoff";
      const request = httpRequest({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/incidents/BD-1/people/import",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": "100000" },
      });
      request.on("error", () => {});
      request.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\ntoken\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.csv"\r\nContent-Type: text/csv\r\n\r\nemail\na@example.org\n`,
      );
      // Once the part is on disk, the client goes away.
      const stored = async () => readdirSync(directory).filter((name) => !before.has(name));
      for (let i = 0; i < 200 && (await stored()).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal((await stored()).length, 1, "the part reached the disk");
      request.destroy();
      assert.match(String(await refused), /cut off|could not be read/);
      assert.deepEqual(await stored(), []);
    } finally {
      server.close();
    }
  });

  it("streams the file to disk within the limit", async () => {
    const res = await supertest(app)
      .post("/incidents/BD-1/people/import")
      .field("_csrf", "token")
      .attach("file", Buffer.from("email\na@example.org\n"), "small.csv");
    assert.equal(res.status, 200);
    assert.equal(res.body.body._csrf, "token");
    assert.equal(res.body.file.isTooLarge, false);
    assert.equal(res.body.file.fileName, "small.csv");
    assert.equal(res.body.onDisk, "email\na@example.org\n");
  });

  it("deletes the file of a form whose CSRF token is wrong before the refusal goes out", async () => {
    // Compared by name: the previous request's file may be going away meanwhile (it was not kept).
    const before = new Set(readdirSync(directory));
    const res = await supertest(app)
      .post("/incidents/BD-1/people/import")
      .field("_csrf", "forged")
      .attach("file", Buffer.from("email\na@example.org\n"), "forged.csv");
    assert.equal(res.status, 403);
    assert.deepEqual(
      readdirSync(directory).filter((name) => !before.has(name)),
      [],
    );
  });

  it("flags a file over the limit and removes what was written", async () => {
    // Compared by name: the previous request's file may be going away meanwhile (it was not kept).
    const before = new Set(readdirSync(directory));
    const res = await supertest(app)
      .post("/incidents/BD-1/people/import")
      .field("_csrf", "token")
      .attach("file", Buffer.from(`email\n${"x@example.org\n".repeat(100)}`), "big.csv");
    assert.equal(res.status, 200);
    assert.equal(res.body.file.isTooLarge, true);
    assert.equal(res.body.onDisk, null);
    assert.deepEqual(
      readdirSync(directory).filter((name) => !before.has(name)),
      [],
    );
  });
});
