/** The pure routing core: plain data in, plain data out. No AWS SDK, Lambda types or Powertools. */
export * from './types';
export { parsePurchaseRequest, toPurchaseRequestJson, parsePriorRequests, purchaseRequestBody, API_BODIES } from './schema';
export { LIMITS } from './limits';
export { textProblem, type TextKind } from './text';
export { UnknownPolicyError, PolicyInvalidError } from './errors';
export type { Policy, BasePolicy, OverlayPolicy, Tier, Role, Delegation, ChainRule, MethodRule } from './policy-schema';
export { policySchema } from './policy-schema';
export {
  createPolicyRegistry,
  parsePolicy,
  validateAgainstPolicy,
  shippedPolicies,
  shippedFederalOverlay,
  type PolicyRegistry,
} from './policy';
export { routeRequest, type RouteContext } from './route';
export { normaliseVendorName, splitKey, vendorKey, splitHistoryFrom } from './split';
export { lineCents, linesTotalCents } from './lines';
export { skeleton, foldedSkeleton } from './confusables';
export { deadlinesFor, addBusinessDays } from './deadlines';
export { formatUsd } from './money';
export {
  DOCUMENT_LIMITS,
  DOCUMENT_MEDIA_TYPES,
  DOCUMENT_PURPOSES,
  documentReferences,
  documentUploadBody,
  missingDocuments,
  referencedDocumentIds,
  type DocumentMediaType,
  type DocumentPurpose,
  type DocumentUpload,
  type VerifiedDocument,
} from './documents';
