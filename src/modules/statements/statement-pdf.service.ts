// The statement as a PDF, built on the server with pdfkit (no browser): the heading, each item with
// its citation, and the missing items. pdfkit's standard fonts (Helvetica) encode Windows-1252
// only, so other characters are shown as "?" (decision 0015: an embedded Unicode font is the
// next step for statements in other scripts).
import PDFDocument from "pdfkit";
import { type StatementExport, statementHeading, statementSections } from "./statement-export.policy.js";

/** Characters Helvetica's WinAnsi encoding can show; others become "?". */
const printable = (text: string) =>
  text.replace(/[^\n\t\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/g, "?");

/** Renders the statement to a PDF document's bytes. */
export function renderStatementPdf(s: StatementExport, createdAt: Date): Promise<Buffer> {
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
    doc
      .font("Helvetica-Bold")
      .fontSize(16)
      .text(printable(title ?? ""));
    doc.moveDown(0.3).font("Helvetica").fontSize(9).fillColor("#333333");
    for (const line of rest) doc.text(printable(line));
    doc.fillColor("#000000").moveDown();
    for (const section of statementSections(s)) {
      doc.font("Helvetica-Bold").fontSize(11).text(printable(section.label));
      doc.font("Helvetica-Oblique").fontSize(8).fillColor("#444444").text(printable(section.citation));
      doc
        .fillColor("#000000")
        .font("Helvetica")
        .fontSize(10)
        .text(printable(section.value || "(not given)"));
      doc.moveDown(0.7);
    }
    if (s.missing.length) {
      doc.font("Helvetica-Bold").fontSize(11).text("Items the law asks for that are missing");
      doc.font("Helvetica").fontSize(10);
      for (const m of s.missing) doc.text(printable(`- ${m.label} [${m.citation}]: ${m.why}`));
    }
    doc.end();
  });
}
