/**
 * The notices module's face: what other modules, the API, the command line, tests and benches
 * may use. Routes and the incident section are taken by the wiring places directly
 * (notices.routes.ts, notices.section.ts). See README.md for the words and the invariants.
 */

export { defaultHeadings, type SectionKey, sectionKeys, serializeContent } from "./notice-content.policy.js";
export { sendTestNotice } from "./notice-preview.service.js";
export { checkNoticeReadiness, FIRST_BROKEN_LIMIT } from "./notice-readiness.service.js";
export type { NoticeRecipient, NoticeRenderer, RenderedNotice } from "./notice-render.policy.js";
export { latestVersionIds, loadNoticeRenderer, toNoticeRecipient } from "./notice-render.service.js";
export {
  comparedLabels,
  type StatementComparison,
  type StatementWords,
} from "./notice-statement.policy.js";
export {
  checkAgainstStatements,
  describeDisagreement,
  type StatementAgreement,
  type StatementCheck,
  type StatementReader,
  useStatementReader,
} from "./notice-statement.service.js";
export { noticePersonSelect } from "./notices.repository.js";
export type { VersionInput } from "./notices.schemas.js";
export { createTemplate, saveVersion } from "./notices.service.js";
