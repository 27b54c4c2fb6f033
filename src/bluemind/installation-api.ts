// BlueMind's public facts about the installation, readable before signing in.

import type { PublicInfos } from "./models.ts";
import type { Transport } from "./transport.ts";
import { apiPath } from "./url.ts";
import { isRecord } from "../shared/parse.ts";
import { describe, malformed } from "./validate.ts";
import type { Check } from "./validate.ts";

const publicInfos: Check<PublicInfos> = (value, ref) => {
  if (!isRecord(value)) throw malformed(ref, `expected the installation's infos, got ${describe(value)}`);
  const domain = value.defaultDomain;
  return {
    // Unset on the server (null, or absent from an older answer) and "" read the same.
    defaultDomain: typeof domain === "string" && domain.trim() !== "" ? domain.trim() : null,
    softwareVersion: typeof value.softwareVersion === "string" ? value.softwareVersion : "",
    releaseName: typeof value.releaseName === "string" ? value.releaseName : "",
  };
};

/** GET /api/system/installation/_infos, without a session (BlueMind answers it to anyone). */
export async function requestPublicInfos(transport: Transport, signal?: AbortSignal): Promise<PublicInfos> {
  const spec = { method: "GET", path: apiPath`/system/installation/_infos`, response: "json", idempotent: true, signal } as const;
  return publicInfos(await transport.send(spec, null), { method: "GET", path: "/api/system/installation/_infos" });
}
