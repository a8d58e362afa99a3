/**
 * The DynamoDB tables, described once as plain data. The CDK stack builds its `Table` constructs
 * from this and the local stack issues the same CreateTable calls to dynalite, so the two cannot
 * drift. Every access pattern is listed in the README with the key or index that serves it.
 */
export type AttributeType = 'S' | 'N';
export interface KeyAttribute { name: string; type: AttributeType }
export interface IndexDefinition {
  name: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  /**
   * What the index copies (default ALL). KEYS_ONLY: only the keys, so a write that changes no key
   * attribute costs the index nothing; the reader fetches the items by key (GetItem). INCLUDE: the
   * keys and `nonKeyAttributes`, so only a write that changes one of them reaches the index.
   */
  projection?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** With INCLUDE: the top-level attributes the index copies besides the keys. */
  nonKeyAttributes?: string[];
}
export interface TableDefinition {
  /** Construct id in CDK and the table-name suffix locally. */
  id: string;
  /** Environment variable through which handlers learn the table name. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalIndexes: IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry (DynamoDB TTL on AWS; ignored by dynalite). */
  timeToLiveAttribute?: string;
}

const submittedAt: KeyAttribute = { name: 'submittedAt', type: 'S' };

export const TABLES = {
  /** Request items (sk REQUEST) and their checkpoint items (sk CHECKPOINT#nn). Holds no secrets. */
  requests: {
    id: 'Requests',
    envVar: 'REQUESTS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    // Sparse indexes: only request items carry these attributes. The three list indexes are
    // bucketed by the month of submission (`REQUEST#2026-11`, `APPROVED#2026-11`,
    // `Public Works#2026-11`, see store/request-buckets.ts), so no partition key takes every
    // request of every year; bySplitKey is keyed by department and vendor, already many keys.
    globalIndexes: [
      { name: 'byStatus', partitionKey: { name: 'statusKey', type: 'S' }, sortKey: submittedAt },
      { name: 'byDepartment', partitionKey: { name: 'departmentKey', type: 'S' }, sortKey: submittedAt },
      { name: 'bySplitKey', partitionKey: { name: 'splitKey', type: 'S' }, sortKey: submittedAt },
      // Split checks across departments (a policy's `splitting.acrossDepartments`): one vendor key
      // (a UTS #39 skeleton, many keys), every department, read in one Query. It copies only what
      // a split check reads (the facts written once on submission, the status, the number), so
      // of a request item's five or more writes only the status changes reach it, each a small
      // entry (store/requests-table.ts).
      { name: 'byVendor', partitionKey: { name: 'vendorKey', type: 'S' }, sortKey: submittedAt, projection: 'INCLUDE', nonKeyAttributes: ['splitFacts', 'status', 'number'] },
      { name: 'byRecency', partitionKey: { name: 'listKey', type: 'S' }, sortKey: submittedAt },
      // The lists people read (store/request-lists.ts): a requester's own requests (request
      // items, one partition per mailbox), and each person's queue of pending checkpoints
      // (checkpoint items; the sort key exists only while the checkpoint is pending). Keys only:
      // a request item is written five or more times in its life, and none of those writes but
      // the first (and a queue's open and close) touches these indexes; the reader fetches the
      // few items of a page by key, strongly consistent.
      { name: 'byRequester', partitionKey: { name: 'requesterKey', type: 'S' }, sortKey: submittedAt, projection: 'KEYS_ONLY' },
      { name: 'byApprover', partitionKey: { name: 'approverKey', type: 'S' }, sortKey: { name: 'waitingSince', type: 'S' }, projection: 'KEYS_ONLY' },
      { name: 'byEscalationContact', partitionKey: { name: 'escalationKey', type: 'S' }, sortKey: { name: 'escalatedSince', type: 'S' }, projection: 'KEYS_ONLY' },
    ],
  },
  /** Approval links (pk LINK#id) and Step Functions callbacks (pk CALLBACK#request#nn): the secrets. */
  approvals: {
    id: 'Approvals',
    envVar: 'APPROVALS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    globalIndexes: [],
  },
  /** Append-only audit events, one partition per request, hash-chained by seq. */
  audit: {
    id: 'AuditEvents',
    envVar: 'AUDIT_TABLE',
    partitionKey: { name: 'requestId', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    globalIndexes: [],
  },
  /** Idempotency-Key records for POST /requests. */
  idempotency: {
    id: 'IdempotencyKeys',
    envVar: 'IDEMPOTENCY_TABLE',
    partitionKey: { name: 'key', type: 'S' },
    globalIndexes: [],
    timeToLiveAttribute: 'expiresAtEpoch',
  },
  /**
   * Browser sessions (pk SESSION#<SHA-256 of the cookie value>): who signed in, when, until when.
   * A table of their own: only the sign-in function writes new ones, the pages read them, the
   * items expire by TTL, and nothing in them is a usable credential.
   */
  sessions: {
    id: 'Sessions',
    envVar: 'SESSIONS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    globalIndexes: [],
    timeToLiveAttribute: 'expiresAtEpoch',
  },
  /**
   * The registry of vetted contracts (lambdas/store/contracts-table.ts): every contract in one
   * partition (pk REGISTRY, sk CONTRACT#id), so searching is one Query filtered in code. Its own
   * table rather than an item type of the requests table: different access (everyone reads,
   * purchasing writes), a different life (contracts outlive requests) and no bucketed indexes.
   */
  contracts: {
    id: 'Contracts',
    envVar: 'CONTRACTS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalIndexes: [],
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;
