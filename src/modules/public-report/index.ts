// The public report's face: what the ledger, the /verify page, the API and tests may use. The
// wiring places import public-report.routes.ts and public-report.section.ts. See README.md.

export { type DraftInput, draftSchema, reportKinds, textKeys } from "./public-report.schemas.js";
export {
  currentPublishedVersion,
  describeReportVersions,
  loadReportEditor,
  loadReportState,
  loadReportSummary,
  loadReportVersion,
  publicAddressOf,
  publicReportUrlFor,
  saveReportDraft,
  unpublishReport,
} from "./public-report.service.js";
export type { PublicReportContent } from "./public-report-content.policy.js";
export { loadPublicFeed, loadPublicReport } from "./public-report-public.service.js";
export { publishReport } from "./public-report-publish.service.js";
