import { z } from "zod";
import { safeText } from "../../lib/validation.js";

/** statement: the published statement people are told by; post_incident: the Apache kind of report. */
export const reportKinds = ["statement", "post_incident"] as const;
export type ReportKind = (typeof reportKinds)[number];

export const reportKindLabels: Record<ReportKind, string> = {
  statement: "Public statement",
  post_incident: "Post-incident report",
};

/** The texts the manager writes, in the order the page shows them. */
export const textKeys = ["narrative", "whatHappened", "howFound", "whatWorked", "whatDidNot", "whatChanges", "whatToDo"] as const;
export type TextKey = (typeof textKeys)[number];

/** Each text's heading on the page and label in the editor; which kinds show it. */
export const textLabels: Record<TextKey, { heading: string; hint: string; kinds: ReportKind[] }> = {
  narrative: {
    heading: "Summary",
    hint: "What the public should know, in a few paragraphs.",
    kinds: ["statement", "post_incident"],
  },
  whatHappened: { heading: "What happened", hint: "The attack or the fault, as far as known.", kinds: ["post_incident"] },
  howFound: { heading: "How it was found", hint: "Who noticed what, and when.", kinds: ["post_incident"] },
  whatWorked: { heading: "What worked", hint: "The measures that limited the harm.", kinds: ["post_incident"] },
  whatDidNot: { heading: "What did not work", hint: "What failed or was missing.", kinds: ["post_incident"] },
  whatChanges: { heading: "What changes", hint: "What is being changed so it does not happen again.", kinds: ["post_incident"] },
  whatToDo: {
    heading: "What you should do",
    hint: "The steps people should take, if any.",
    kinds: ["statement", "post_incident"],
  },
};

const text = (what: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} has at most ${max.toLocaleString("en")} characters.` })
    .superRefine(safeText(what, "long"))
    .default("");

/** The draft as the editor and the API send it; an absent text is empty. */
export const draftSchema = z.object({
  kind: z.enum(reportKinds, { message: "Choose a public statement or a post-incident report." }).default("statement"),
  title: z
    .string()
    .trim()
    .max(200, { message: "The title has at most 200 characters." })
    .superRefine(safeText("The title", "line"))
    .default(""),
  narrative: text("The summary", 20000),
  whatHappened: text("What happened", 20000),
  howFound: text("How it was found", 20000),
  whatWorked: text("What worked", 20000),
  whatDidNot: text("What did not work", 20000),
  whatChanges: text("What changes", 20000),
  whatToDo: text("What you should do", 10000),
});
export type DraftInput = z.infer<typeof draftSchema>;

/** Publishing and taking down ask for a tick, so that neither happens by a stray click. */
export const confirmSchema = z.object({
  confirm: z.literal("yes", { message: "Tick the box to confirm." }),
});
