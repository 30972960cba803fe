import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newPersonId } from "./import-run.service.js";

describe("person ids", () => {
  it("are UUIDv7-shaped and sort in the order they were made, within a millisecond too", () => {
    const ms = Date.UTC(2026, 2, 2, 9);
    const ids = [newPersonId(ms), newPersonId(ms), newPersonId(ms), newPersonId(ms + 1), newPersonId(ms - 5)];
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual([...ids].sort(), ids, "a clock going back does not break the order");
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(Number.parseInt(ids[0]!.replace(/-/g, "").slice(0, 12), 16), ms);
  });

  it("moves to the next millisecond after 4,096 ids in one", () => {
    const ms = Date.UTC(2026, 2, 2, 10);
    const ids = Array.from({ length: 5000 }, () => newPersonId(ms));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, 5000);
  });
});
