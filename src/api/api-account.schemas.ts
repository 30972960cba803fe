// What the /me endpoints answer (api-account.endpoints.ts), as zod (v4) schemas for the OpenAPI document.
import { z } from "zod/v4";
import { instant, maybeInstant, named } from "./api-responses.schemas.js";

export const session = z.object({
  id: z.string().meta({ description: "The session's handle (a hash; never the session cookie)" }),
  startedAt: instant,
  lastSeenAt: instant.meta({ description: "Its last request, to the minute" }),
  client: z.string().meta({ examples: ["Firefox 133 on Linux"] }),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
});
export const sessions = named("Sessions", "Your sessions that have not ended", z.object({ sessions: z.array(session) }));

export const token = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().meta({ description: "The token's first characters, to recognise it" }),
  scope: z.enum(["full", "read_only"]),
  createdAt: instant,
  lastUsedAt: maybeInstant,
  expiresAt: maybeInstant.meta({ description: "After this the token is refused; null: it does not expire" }),
  revokedAt: maybeInstant,
});
export const tokens = named("ApiTokens", "Your API tokens (never their secrets)", z.object({ tokens: z.array(token) }));
