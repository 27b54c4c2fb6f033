// Public API of the fake BlueMind server (test/fake-bluemind). Keep stable: the add-on's
// integration tests, the demo and the benchmarks import from here.
export { startFakeBlueMind } from "./server.ts";
export type { FakeBlueMind } from "./server.ts";
export type { FakeControl, StateSnapshot } from "./control.ts";
export { CONTROL_PARAMS } from "./control.ts";
export { FakeState, Book } from "./state.ts";
export type { User, Session, ApiKeyRecord, Subscription, StoredItem } from "./state.ts";
export { DATASET_NAMES, DEMO_CLIENTS_BOOK, datasetSpec } from "./datasets.ts";
export type { DatasetName } from "./datasets.ts";
export { offlineBook } from "./book-reads.ts";
export type { OfflineBook } from "./book-reads.ts";
export { generateCard, generateCards, generateGroup } from "./generator.ts";
export type { GenerateOptions, CardOptions } from "./generator.ts";
export { mulberry32, hashString } from "./prng.ts";
export type { Rng } from "./prng.ts";
export { MAX_ITEMS } from "./card-store.ts";
export { MAX_BODY_BYTES, BODY_REFUSED_STATUS } from "./http.ts";
export { escapeQueryText, parseQueryString } from "./query-string.ts";
export type {
  AddBookSpec,
  BookSpec,
  DatasetBookInfo,
  DatasetInfo,
  DatasetSpec,
  DatasetUserInfo,
  FakeBlueMindOptions,
  FaultInjector,
  FaultKind,
  FaultRule,
  Lang,
  RequestLogEntry,
  ShareSpec,
  UserSpec,
  Verb,
} from "./types.ts";
