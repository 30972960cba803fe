// The account module's face: the credential review, which app.ts passes to the users module's
// pages (the administrators' user page shows and revokes a user's API tokens and calendar
// feed). The account module sits above users, api-tokens and reminders; the wiring places
// import account.routes.ts directly.

export { credentialsReview } from "./credential-review.service.js";
