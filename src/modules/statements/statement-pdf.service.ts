// The statement as a PDF, built on the server with pdfkit (no browser): the heading, each item with
// its citation, and the missing items. pdfkit's standard fonts (Helvetica) encode Windows-1252
// only, so names like "Zoë Ōkubo 李" came out with "?" (decision 0015): the text is set in DejaVu
// Sans (npm dejavu-fonts-ttf: Latin, Greek, Cyrillic, Hebrew, Arabic and more) and, for Chinese
// and Japanese characters, which DejaVu lacks, Noto Sans Hans (npm @embedpdf/fonts-sc, SIL Open
// Font License). pdfkit embeds only the glyphs used, so a statement's PDF stays small; the CJK
// font is read only when a statement has such characters.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type StatementExport, statementHeading, statementSections } from "./statement-export.policy.js";

type Style = "regular" | "bold" | "oblique";

const require = createRequire(import.meta.url);
const dejavu = (file: string) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`);
const FONT_FILES: Record<Style, () => string> = {
  regular: () => dejavu("DejaVuSans.ttf"),
  bold: () => dejavu("DejaVuSans-Bold.ttf"),
  oblique: () => dejavu("DejaVuSans-Oblique.ttf"),
};
const cjkFile = (style: Style) =>
  join(
    dirname(require.resolve("@embedpdf/fonts-sc")),
    "..",
    "fonts",
    style === "bold" ? "NotoSansHans-Bold.otf" : "NotoSansHans-Regular.otf",
  );

/** The font files, read once per process (a few hundred kB each; the CJK ones about 8 MB, read only when needed). */
const fontCache = new Map<string, Buffer>();
function fontData(path: string): Buffer {
  let data = fontCache.get(path);
  if (!data) {
    data = readFileSync(path);
    fontCache.set(path, data);
  }
  return data;
}

/** Han, kana, CJK punctuation and full-width forms: set in the CJK font. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]+/gu;

/** A text as runs of one font each, in order. */
export function fontRuns(text: string): { text: string; isCjk: boolean }[] {
  const runs: { text: string; isCjk: boolean }[] = [];
  let at = 0;
  for (const m of text.matchAll(CJK)) {
    if (m.index > at) runs.push({ text: text.slice(at, m.index), isCjk: false });
    runs.push({ text: m[0], isCjk: true });
    at = m.index + m[0].length;
  }
  if (at < text.length || runs.length === 0) runs.push({ text: text.slice(at), isCjk: false });
  return runs;
}

/**
 * Registers the fonts with the document by name, so each is parsed once per document (a font given
 * as bytes to every font() call is parsed again each time: about a second for one statement).
 */
function registerFonts(doc: PDFKit.PDFDocument, hasCjk: boolean): void {
  for (const style of ["regular", "bold", "oblique"] as const) {
    doc.registerFont(style, fontData(FONT_FILES[style]()));
    if (hasCjk) doc.registerFont(`cjk-${style}`, fontData(cjkFile(style)));
  }
}

/** Writes one paragraph in a style and size, switching to the CJK font for the runs that need it. */
function write(doc: PDFKit.PDFDocument, text: string, style: Style, size: number): void {
  const runs = fontRuns(text);
  runs.forEach((run, i) => {
    doc
      .font(run.isCjk ? `cjk-${style}` : style)
      .fontSize(size)
      .text(run.text, { continued: i < runs.length - 1 });
  });
}

/** Renders the statement to a PDF document's bytes. */
export async function renderStatementPdf(s: StatementExport, createdAt: Date): Promise<Buffer> {
  // Loaded when first asked (about 8 MB): most processes never write a PDF.
  const { default: PDFDocument } = await import("pdfkit");
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: "A4",
      margin: 56,
      info: { Title: `Statement ${s.reference} ${s.rule.id} v${s.version}`, Author: "Breachdesk", CreationDate: createdAt },
    });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    const [title, ...rest] = statementHeading(s);
    const sections = statementSections(s);
    const everything = [...statementHeading(s), ...sections.flatMap((x) => [x.label, x.citation, x.value])];
    registerFonts(
      doc,
      everything.some((t) => fontRuns(t).some((r) => r.isCjk)),
    );
    write(doc, title ?? "", "bold", 16);
    doc.moveDown(0.3).fillColor("#333333");
    for (const line of rest) write(doc, line, "regular", 9);
    doc.fillColor("#000000").moveDown();
    for (const section of sections) {
      write(doc, section.label, "bold", 11);
      doc.fillColor("#444444");
      write(doc, section.citation, "oblique", 8);
      doc.fillColor("#000000");
      write(doc, section.value || "(not given)", "regular", 10);
      doc.moveDown(0.7);
    }
    if (s.missing.length) {
      write(doc, "Items the law asks for that are missing", "bold", 11);
      for (const m of s.missing) write(doc, `- ${m.label} [${m.citation}]: ${m.why}`, "regular", 10);
    }
    doc.end();
  });
}
