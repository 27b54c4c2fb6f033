// Container descriptors: rights, owner, internalId (bluemind-api.md §4). Read-only calls; the
// _mget is a read done with POST, hence idempotent.

import type { ContainerDescriptor } from "./models.ts";
import type { ApiCaller } from "./session.ts";
import type { CallOptions } from "./transport.ts";
import { apiPath } from "./url.ts";
import { isRecord } from "../shared/parse.ts";
import { listOf, malformed, objectWith } from "./validate.ts";
import type { Check } from "./validate.ts";

const descriptor = objectWith<ContainerDescriptor>("uid");

const itemCount: Check<number> = (value, ref) => {
  if (!isRecord(value) || typeof value.total !== "number") throw malformed(ref, "expected {total: number}");
  return value.total;
};

/** A book the user may not write to: the descriptor's own flag or missing write right. */
export function isReadOnly(container: Pick<ContainerDescriptor, "readOnly" | "writable">): boolean {
  return container.readOnly || !container.writable;
}

export class ContainersApi {
  constructor(private readonly caller: ApiCaller) {}

  /** POST /api/containers/_manage/_mget; missing containers are left out of the answer. */
  mget(containerUids: readonly string[], options: CallOptions = {}): Promise<ContainerDescriptor[]> {
    return this.caller.call(
      {
        ...options,
        method: "POST",
        path: apiPath`/containers/_manage/_mget`,
        body: { json: containerUids },
        response: "json",
        idempotent: true,
      },
      listOf(descriptor),
    );
  }

  /** GET /api/containers/_manage/{uid}/_itemCount → the number of items (cheap size check). */
  itemCount(containerUid: string, options: CallOptions = {}): Promise<number> {
    return this.caller.call(
      { ...options, method: "GET", path: apiPath`/containers/_manage/${containerUid}/_itemCount`, response: "json", idempotent: true },
      itemCount,
    );
  }
}
