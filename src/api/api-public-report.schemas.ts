// What the public report endpoints read and answer, as zod (v4) schemas for the OpenAPI document
// (api-openapi.ts). The handlers read the draft with the module's own schema
// (modules/public-report/public-report.schemas.ts), so the API and the editor refuse the same
// things with the same words; these describe the same fields as JSON.
import { z } from "zod/v4";
import { instant, named } from "./api-responses.schemas.js";

const texts = {
  title: z.string().optional().meta({ description: "The page's title; empty for “<organisation>: security incident”" }),
  narrative: z.string().optional().meta({ description: "The summary: what the public should know" }),
  whatHappened: z.string().optional().meta({ description: "Post-incident report: what happened" }),
  howFound: z.string().optional().meta({ description: "Post-incident report: how it was found" }),
  whatWorked: z.string().optional().meta({ description: "Post-incident report: what worked" }),
  whatDidNot: z.string().optional().meta({ description: "Post-incident report: what did not work" }),
  whatChanges: z.string().optional().meta({ description: "Post-incident report: what changes" }),
  whatToDo: z.string().optional().meta({ description: "What people should do" }),
};

export const publicReportDraftBody = named(
  "PublicReportDraftBody",
  "The draft's texts and kind. A text left out keeps its saved value; the public page changes only when published.",
  z.object({ kind: z.enum(["statement", "post_incident"]).optional(), ...texts }),
);

const versionRow = z.object({
  version: z.number().int().min(1),
  publishedAt: instant,
  publishedBy: z.string(),
  url: z.string().nullable().meta({ description: "The version's public address while the report is published" }),
});

export const publicReport = named(
  "PublicReport",
  "An incident's public report: its draft, where it stands, its public address and the versions published (newest first).",
  z.object({
    status: z.enum(["none", "draft", "published", "unpublished"]),
    kind: z.enum(["statement", "post_incident"]),
    draft: z.object(texts),
    version: z.number().int().min(0).meta({ description: "The newest published version; 0 before the first" }),
    url: z.string().nullable().meta({ description: "/public/<slug>, readable without signing in; null while not published" }),
    versions: z.array(versionRow),
  }),
);

export const publicReportPublished = named(
  "PublicReportPublished",
  "The version just published and the report's public address.",
  z.object({ url: z.string(), version: z.number().int().min(1), versionUrl: z.string(), publishedAt: instant }),
);

export const publicReportVersions = named(
  "PublicReportVersions",
  "The versions published, newest first.",
  z.object({ versions: z.array(versionRow) }),
);

export const publicReportVersion = named(
  "PublicReportVersion",
  "One published version with the content the page showed: texts, public timeline entries, systems, actions, kinds of information, contact.",
  versionRow.extend({ kind: z.enum(["statement", "post_incident"]), content: z.record(z.string(), z.unknown()) }),
);
