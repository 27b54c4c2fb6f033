// BlueMind's error model: a ServerFault carries an ErrorCode; the REST layer maps a few codes to
// specific HTTP statuses and everything else to 500 (bluemind-api.md §1).

export type ErrorCode =
  | "AUTHENTICATION_FAIL"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "INVALID_PARAMETER"
  | "ALREADY_EXISTS"
  | "MAX_ITEM_COUNT"
  | "ENTITY_TOO_LARGE"
  | "INVALID_EMAIL"
  | "INVALID_QUERY"
  | "VERSION_HAS_CHANGED"
  | "TIMEOUT"
  | "UNKNOWN";

export class ServerFault extends Error {
  readonly errorCode: string;

  constructor(errorCode: ErrorCode | string, message: string) {
    super(message);
    this.name = "ServerFault";
    this.errorCode = errorCode;
  }

  get httpStatus(): number {
    return httpStatusOf(this.errorCode);
  }
}

export function httpStatusOf(errorCode: string): number {
  switch (errorCode) {
    case "AUTHENTICATION_FAIL":
      return 401;
    case "PERMISSION_DENIED":
      return 403;
    case "NOT_FOUND":
      return 404;
    default:
      return 500;
  }
}

export function invalidSession(key: string): ServerFault {
  return new ServerFault("AUTHENTICATION_FAIL", `invalid accesstoken: session id ${key} is not valid`);
}

export function permissionDenied(message = "Permission denied"): ServerFault {
  return new ServerFault("PERMISSION_DENIED", message);
}

export function notFound(message: string): ServerFault {
  return new ServerFault("NOT_FOUND", message);
}

export function invalidParameter(message: string): ServerFault {
  return new ServerFault("INVALID_PARAMETER", message);
}
