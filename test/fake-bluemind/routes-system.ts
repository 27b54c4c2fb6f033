// /api/system/installation/_infos: BlueMind's public facts about the installation (IInstallation
// .getInfos → PublicInfos), answered without a session. Clients read `defaultDomain` to complete a
// login typed without "@domain", as BlueMind's own Thunderbird connector does.
import type { PublicInfos } from "../../src/bluemind/models.ts";
import { notFound } from "./errors.ts";
import type { Route } from "./router.ts";

export const FAKE_SOFTWARE_VERSION = "5.1.4";
export const FAKE_RELEASE_NAME = "BlueMind 5";

export const systemRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/api/system/installation/_infos",
    anonymous: true,
    handle: ({ state }): PublicInfos => {
      // What BlueMind's REST router answers for a path no service registered.
      if (!state.installationInfos) throw notFound("no service registered on GET /api/system/installation/_infos");
      return { defaultDomain: state.defaultDomain, softwareVersion: FAKE_SOFTWARE_VERSION, releaseName: FAKE_RELEASE_NAME };
    },
  },
];
