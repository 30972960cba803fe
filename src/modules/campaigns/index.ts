// The campaigns module's face: what other modules, the JSON API, the worker's job registry, the
// tests' helpers and the benchmarks may use. Everything else here, the repository and the
// delivery SQL above all, is the module's own. The wiring places import campaigns.routes.ts,
// campaigns.section.ts and the *.job.ts files directly.

export { type Audience, describeAudience, parseAudience } from "./campaign-audience.policy.js";
export { continueFanOut } from "./campaign-fan-out.service.js";
export { type CampaignEventMap, campaignEvents } from "./campaign-hooks.service.js";
export { type CampaignStatus, campaignStatusLabels } from "./campaign-lifecycle.policy.js";
export { fanOutProgressOf } from "./campaign-pages.service.js";
export { type SenderSettings, senderSettingsOf } from "./campaign-settings.policy.js";
export {
  disagreementJson,
  loadStatementAgreement,
  StatementDisagreementError,
} from "./campaign-statement-check.service.js";
export { type CampaignWorkerDeps, campaignJobs, createCampaignSender } from "./campaign-worker.service.js";
export type { DeliveryCounts, DeliveryStatus } from "./campaigns.repository.js";
export { type CampaignInput, campaignInputSchema, pauseSchema } from "./campaigns.schemas.js";
export {
  approveCampaign,
  type Campaign,
  type CampaignDeps,
  cancelCampaign,
  countCampaignDeliveries,
  createCampaign,
  listIncidentCampaigns,
  listTemplateVersionLabels,
  pauseCampaign,
  requireCampaign,
  requireIncident,
  resumeCampaign,
  retryFailedDeliveries,
  scheduleCampaign,
  sendCampaignNow,
  unscheduleCampaign,
} from "./campaigns.service.js";
export type { DeliverySender } from "./delivery-sender.service.js";
export { type NoticeRendering, noticeRendering } from "./notice-rendering.service.js";
