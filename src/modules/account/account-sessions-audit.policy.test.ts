import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeAuditEntry } from "../audit/index.js";

// The audit log's sentences for sessions and tokens a user can see (decision 0028).

const names = {
  users: new Map([
    ["u-val", "Val Viewer"],
    ["u-ada", "Ada Admin"],
  ]),
  incidents: new Map<string, string>(),
};
const base = { entityType: "user", entityId: "u-val", incidentId: null, before: null };

describe("sessions in the audit log's words", () => {
  it("says which session ended, who was signed out everywhere, and a new client", () => {
    const ended = describeAuditEntry(
      {
        ...base,
        action: "session.end",
        actorId: "u-val",
        actorLabel: "val@example.org",
        after: '{"client":"Firefox 133 on Linux","ip":"192.0.2.1"}',
      },
      names,
    );
    assert.equal(ended.sentence, "Val Viewer ended a session (Firefox 133 on Linux).");
    const everywhere = describeAuditEntry(
      {
        ...base,
        action: "user.signed_out_everywhere",
        actorId: "u-ada",
        actorLabel: "ada@example.org",
        after: '{"sessionsEnded":2,"apiTokensRevoked":1}',
      },
      names,
    );
    assert.equal(everywhere.sentence, "Ada Admin signed Val Viewer out everywhere (2 sessions ended, 1 API token revoked).");
    const newClient = describeAuditEntry(
      {
        ...base,
        action: "auth.new_client",
        actorId: "u-val",
        actorLabel: "val@example.org",
        after: '{"client":"Safari 17 on iOS 17","ip":"198.51.100.7","isMailed":true}',
      },
      names,
    );
    assert.equal(
      newClient.sentence,
      "Val Viewer signed in from a new client (Safari 17 on iOS 17, 198.51.100.7) and was told by e-mail.",
    );
  });
});
