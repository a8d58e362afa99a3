/**
 * Presentation: pure renderers for the approval pages and the emails. No AWS SDK, no I/O; the
 * handlers pass view models in and send what comes out.
 */
export type {
  ApprovalPageView,
  CheckView,
  CheckpointState,
  CheckpointView,
  EmailContent,
  EmailPhase,
  Outcome,
  Person,
  RecordedField,
  RenderedPage,
  RequestSummary,
  SubmittedValues,
} from './types';
export { escapeHtml } from './html';
export {
  COMMENT_MAX_LENGTH,
  type FormErrorStatus,
  renderAlreadyDecidedPage,
  renderApprovalPage,
  renderDecisionRecordedPage,
  renderExpiredPage,
  renderFormErrorPage,
  renderNotFoundPage,
} from './pages';
export { appPage, documentPage, formTokenField, pageHeaders, type AppPageArgs, type PageViewer, type Place } from './layout';
export { renderApprovalRequestEmail, renderOutcomeEmail } from './emails';
export { CONTENT_SECURITY_POLICY } from './style';
