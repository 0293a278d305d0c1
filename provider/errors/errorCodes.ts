import { DatabendErrorCode } from "./DatabendError";

/** What a Databend server error code means on the client side. */
export interface ServerCodeInfo {
  /** Client-side category. */
  code: DatabendErrorCode;
  /** Whether a retry may help. */
  retryable: boolean;
  /** Databend's own name for the code. */
  label: string;
}

/** Databend server error codes this package knows, from Databend's exception_code table. */
export const SERVER_CODES: Readonly<Record<number, ServerCodeInfo>> = {
  1005: { code: "InvalidInput", retryable: false, label: "SyntaxException" },
  1006: { code: "InvalidInput", retryable: false, label: "BadArguments" },
  1063: { code: "PermissionDenied", retryable: false, label: "PermissionDenied" },
  2002: { code: "InvalidInput", retryable: false, label: "InvalidConfig" },
  2004: { code: "InvalidInput", retryable: false, label: "InvalidArgument" },
  2201: { code: "Auth", retryable: false, label: "UnknownUser" },
  2204: { code: "NotFound", retryable: false, label: "UnknownRole" },
  2501: { code: "NotFound", retryable: false, label: "UnknownStage" },
  2502: { code: "AlreadyExists", retryable: false, label: "StageAlreadyExists" },
  2506: { code: "PermissionDenied", retryable: false, label: "StagePermissionDenied" },
  2509: { code: "AlreadyExists", retryable: false, label: "FileFormatAlreadyExists" },
  2510: { code: "NotFound", retryable: false, label: "UnknownConnection" },
  2511: { code: "InvalidInput", retryable: false, label: "IllegalConnection" },
  2512: { code: "AlreadyExists", retryable: false, label: "ConnectionAlreadyExists" },
  2903: { code: "InvalidInput", retryable: false, label: "TenantQuotaExceeded" },
  4000: { code: "InvalidInput", retryable: false, label: "StorageOther" },
  5100: { code: "Auth", retryable: false, label: "AuthenticateFailure" },
  5101: { code: "Auth", retryable: true, label: "SessionTokenExpired" },
  5103: { code: "Auth", retryable: true, label: "SessionTokenNotFound" },
};

/** Looks up a server code; unknown codes map to `Unknown`. */
export function lookupServerCode(serverCode: number | undefined): ServerCodeInfo {
  if (serverCode !== undefined && SERVER_CODES[serverCode]) return SERVER_CODES[serverCode];
  return { code: "Unknown", retryable: false, label: "Unknown" };
}
