// Route table: `/api/addressbooks/{containerUid}/_changeset`-style patterns matched segment by
// segment on the raw path, parameters decoded afterwards (so an encoded '/' stays inside its
// segment). Routes are tried in order, so literal routes (`_mget`) must come before `{uid}` ones.
import type { IncomingMessage } from "node:http";
import type { Caller } from "./auth.ts";
import { decodePathParam } from "./http.ts";
import type { RequestBody } from "./http.ts";
import type { FakeState } from "./state.ts";

export interface AnonymousContext {
  state: FakeState;
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  body: RequestBody;
}

export interface RouteContext extends AnonymousContext {
  /** The authenticated caller (X-BM-ApiKey: a session key or an API-key sid). */
  caller: Caller;
}

/** Handlers return the Java method's result: an object/list/number (200 JSON), null (204), undefined (void, 200 empty) or a RawReply. */
export type Route =
  | { method: string; pattern: string; anonymous: true; handle(ctx: AnonymousContext): unknown }
  | { method: string; pattern: string; anonymous?: false; handle(ctx: RouteContext): unknown };

type Segment = { literal: string } | { param: string };

interface CompiledRoute {
  route: Route;
  segments: Segment[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: route.pattern
        .split("/")
        .filter((s) => s !== "")
        .map((s) => (s.startsWith("{") && s.endsWith("}") ? { param: s.slice(1, -1) } : { literal: s })),
    }));
  }

  match(method: string, pathname: string): RouteMatch | null {
    const parts = pathname.split("/").filter((s) => s !== "");
    for (const { route, segments } of this.compiled) {
      if (route.method !== method || segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const seg = segments[i] as Segment;
        const part = parts[i] as string;
        if ("literal" in seg) ok = seg.literal === part;
        else {
          try {
            params[seg.param] = decodePathParam(part);
          } catch {
            ok = false;
          }
        }
      }
      if (ok) return { route, params };
    }
    return null;
  }
}
