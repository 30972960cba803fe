import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  describeSize,
  linkHref,
  parseLinkValue,
  recordedFileName,
  safeFileName,
  tooLargeMessage,
} from "./evidence-file.policy.js";

describe("evidence file rules", () => {
  it("offers a download under a name without folders, quotes, control characters or a leading dot", () => {
    assert.equal(safeFileName("../../etc/passwd"), "passwd");
    assert.equal(safeFileName("..\\..\\boot.ini"), "boot.ini");
    assert.equal(safeFileName('report "final".pdf'), "report _final_.pdf");
    assert.equal(safeFileName("a\r\nContent-Type: text.txt"), "a__Content-Type_ text.txt");
    assert.equal(safeFileName(".htaccess"), "htaccess");
    assert.equal(safeFileName("rapport-été.pdf"), "rapport-_t_.pdf");
    assert.equal(safeFileName("../"), "evidence");
    assert.equal(safeFileName(`${"x".repeat(300)}.pdf`).length, 120);
  });

  it("records the name as uploaded without its folders or control characters", () => {
    assert.equal(recordedFileName("C:\\Users\\ana\\rapport été.pdf"), "rapport été.pdf");
    assert.equal(recordedFileName("a\u0000b\u001fc.txt"), "abc.txt");
    assert.equal(recordedFileName(""), "evidence");
  });

  it("reads a link only of a known kind with an id", () => {
    assert.deepEqual(parseLinkValue("system:abc"), { kind: "system", id: "abc" });
    assert.equal(parseLinkValue("person:abc"), null);
    assert.equal(parseLinkValue("system:"), null);
    assert.equal(parseLinkValue("system"), null);
    assert.equal(linkHref("BD-2026-0001", "event", "e1"), "/incidents/BD-2026-0001/timeline#event-e1");
  });

  it("says sizes and the limit in words", () => {
    assert.equal(describeSize(1), "1 byte");
    assert.equal(describeSize(1023), "1023 bytes");
    assert.equal(describeSize(1536), "1.5 KiB");
    assert.equal(describeSize(3 * 1024 ** 3), "3.0 GiB");
    assert.match(tooLargeMessage(2048), /limit of 2 GiB \(EVIDENCE_MAX_MIB\)/);
    assert.match(tooLargeMessage(500), /limit of 500 MiB/);
  });
});
