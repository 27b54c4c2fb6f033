// Typed views of decoded request bodies, failing like the server's JSON binding would (500).
import { invalidParameter } from "./errors.ts";
import type { RequestBody } from "./http.ts";

export function jsonBody(body: RequestBody): unknown {
  if (body.kind === "json") return body.value;
  if (body.kind === "text") return body.text;
  if (body.kind === "bytes") return body.bytes.toString("utf8");
  return null;
}

export function stringList(body: RequestBody, what: string): string[] {
  const value = jsonBody(body);
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw invalidParameter(`${what}: expected a JSON array of strings`);
  }
  return value;
}

export function objectBody(body: RequestBody, what: string): Record<string, unknown> {
  const value = jsonBody(body);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidParameter(`${what}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}
