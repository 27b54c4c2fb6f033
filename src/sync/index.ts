// Public surface of the sync engine for the background: one SyncEngine per account, run by the
// scheduler with the remote books of fetchRemoteBooks; its reports go to the StatusStore.
export { SyncEngine } from "./engine.ts";
export type { BookRunResult, MissingBookDecision, PushContext, PushReport, SyncEngineDeps, SyncEngineOptions, SyncRunResult } from "./engine-types.ts";
export { statusReporter, silentReporter } from "./reporter.ts";
export type { BookRunState, BookStateChange, StatusSink, SyncReporter } from "./reporter.ts";
export type { ContentSource, BookContent } from "./remote-content.ts";
export type { PullOptions, PullOutcome, PullCounts } from "./pull/book-pull.ts";
export { SyncCancelledError, isRunFatal } from "./sync-errors.ts";
export { SYNC_INDEX_KEY, BOOK_STATE_PREFIX, bookStateKey } from "./state/sync-state.ts";
export type { BookSyncState, ContactRecord, GroupRecord, SyncIndex } from "./state/sync-state.ts";
export { contactIdFor, memberContactIdFor, isDerivedContactId } from "./contact-uid.ts";
