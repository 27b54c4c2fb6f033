import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BlueMindError,
  NotFoundError,
  PermissionError,
  ServerError,
  ValidationError,
  errorFromHttp,
} from "./errors.ts";

const request = { method: "PUT", path: "/api/addressbooks/b/c1" };

function map(status: number, errorCode: string | null, serverMessage: string | null = "msg") {
  return errorFromHttp({ status, errorCode, serverMessage, request });
}

describe("errorFromHttp", () => {
  it.each([
    [401, "AUTHENTICATION_FAIL", AuthenticationError, false],
    [401, null, AuthenticationError, false],
    [403, "PERMISSION_DENIED", PermissionError, false],
    [403, null, PermissionError, false],
    [500, "PERMISSION_DENIED", PermissionError, false],
    [404, "NOT_FOUND", NotFoundError, false],
    [404, null, NotFoundError, false],
    [500, "NOT_FOUND", NotFoundError, false],
    [500, "INVALID_PARAMETER", ValidationError, false],
    [500, "INVALID_EMAIL", ValidationError, false],
    [500, "ALREADY_EXISTS", ValidationError, false],
    [500, "MAX_ITEM_COUNT", ValidationError, false],
    [500, "VERSION_HAS_CHANGED", ValidationError, false],
    [500, "INVALID_QUERY", ValidationError, false],
    [500, "ENTITY_TOO_LARGE", ValidationError, false],
    [500, "INVALID_GROUP_MEMBER", ValidationError, false],
    [500, "INVALID_PEM_CERTIFICATE", ValidationError, false],
    [500, "FORBIDDEN", ValidationError, false],
    [500, "UNKNOWN", ServerError, true],
    [500, "TIMEOUT", ServerError, true],
    [500, "SOMETHING_NEW", ServerError, true],
    [500, null, ServerError, true],
    [502, null, ServerError, true],
    [503, null, ServerError, true],
    [504, null, ServerError, true],
    [501, null, ServerError, false],
    [429, null, ServerError, true],
    [408, null, ServerError, true],
    [400, null, ValidationError, false],
    [413, null, ValidationError, false],
  ] as const)("%i %s → %s (retryable %s)", (status, code, type, retryable) => {
    const error = map(status, code);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(BlueMindError);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code ?? `HTTP_${status}`);
    expect(error.retryable).toBe(retryable);
    expect(error.request).toEqual(request);
    expect(error.name).toBe(type.name);
  });

  it("writes a message a person can act on, with the server's words", () => {
    expect(map(500, "INVALID_EMAIL", "Email invalid: 'x'").message).toBe("BlueMind refused the data (INVALID_EMAIL): Email invalid: 'x'");
    expect(map(403, "PERMISSION_DENIED", null).message).toBe("BlueMind denied access (PUT /api/addressbooks/b/c1)");
    expect(map(503, null, null).message).toContain("HTTP 503");
  });

  it("does not mark a plain 401 as needing sign-in: the session layer decides after re-login", () => {
    const error = map(401, "AUTHENTICATION_FAIL");
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).needsSignIn).toBe(false);
  });
});
