import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** What a signature check needs from an HTTP request, as it arrived. */
export interface ReceivedRequest {
  method: string;
  /** The request target as sent: path (still percent-encoded) and query. */
  target: string;
  /** Header name (lower case) to value; repeated headers joined with ",". */
  headers: Record<string, string>;
}

export type SignatureVerdict =
  { ok: true; accessKeyId: string; presigned: boolean } | { ok: false; status: number; code: string; message: string };

const ALGORITHM = "AWS4-HMAC-SHA256";
/** SigV4's longest presigned lifetime, which R2 applies too. */
export const MAX_PRESIGNED_EXPIRY_SECONDS = 7 * 24 * 3600;

/** RFC 3986 encoding, as SigV4 canonicalisation requires (encodeURIComponent leaves !'()* alone). */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function queryPairs(query: string): Array<[string, string]> {
  if (!query) return [];
  return query.split("&").map((pair) => {
    const at = pair.indexOf("=");
    const [name, value] = at === -1 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
    return [decodeURIComponent(name), decodeURIComponent(value)];
  });
}

function canonicalQuery(pairs: Array<[string, string]>): string {
  return pairs
    .filter(([name]) => name !== "X-Amz-Signature")
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

interface Credential {
  accessKeyId: string;
  scope: string;
  date: string;
  region: string;
  service: string;
}

function parseCredential(value: string): Credential | null {
  const [accessKeyId, date, region, service, terminator] = value.split("/");
  if (!accessKeyId || !date || !region || !service || terminator !== "aws4_request") return null;
  return { accessKeyId, scope: `${date}/${region}/${service}/aws4_request`, date, region, service };
}

const refuse = (status: number, code: string, message: string): SignatureVerdict => ({ ok: false, status, code, message });

/**
 * Recomputes a SigV4 signature (an Authorization header, or a presigned query string) from the
 * request as it arrived, independently of the AWS SDK that produced it, and compares it with
 * the one sent. Any header, query parameter or path that differs from what was signed is a
 * 403 SignatureDoesNotMatch, as R2 answers.
 */
export function verifySigV4(request: ReceivedRequest, secrets: ReadonlyMap<string, string>, now = new Date()): SignatureVerdict {
  const queryAt = request.target.indexOf("?");
  const path = queryAt === -1 ? request.target : request.target.slice(0, queryAt);
  const pairs = queryPairs(queryAt === -1 ? "" : request.target.slice(queryAt + 1));
  const query = new Map(pairs);
  const authorization = request.headers["authorization"];
  const presigned = query.has("X-Amz-Signature");

  let credential: Credential | null;
  let signedHeaders: string[];
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  if (presigned) {
    if (query.get("X-Amz-Algorithm") !== ALGORITHM)
      return refuse(400, "AuthorizationQueryParametersError", "X-Amz-Algorithm must be AWS4-HMAC-SHA256");
    credential = parseCredential(query.get("X-Amz-Credential") ?? "");
    signedHeaders = (query.get("X-Amz-SignedHeaders") ?? "").split(";");
    signature = query.get("X-Amz-Signature") ?? "";
    amzDate = query.get("X-Amz-Date") ?? "";
    const expires = Number(query.get("X-Amz-Expires"));
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_EXPIRY_SECONDS) {
      return refuse(400, "AuthorizationQueryParametersError", `X-Amz-Expires must be 1 to ${MAX_PRESIGNED_EXPIRY_SECONDS} seconds`);
    }
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === null) return refuse(400, "AuthorizationQueryParametersError", "X-Amz-Date is not an ISO 8601 basic date");
    if (now.getTime() > signedAt + expires * 1000) return refuse(403, "AccessDenied", "Request has expired");
    payloadHash = query.get("X-Amz-Content-Sha256") ?? request.headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD";
  } else {
    const match = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(authorization ?? "");
    if (!match) return refuse(403, "AccessDenied", "the request is not signed with AWS Signature Version 4");
    credential = parseCredential(match[1]!);
    signedHeaders = match[2]!.split(";");
    signature = match[3]!;
    amzDate = request.headers["x-amz-date"] ?? "";
    payloadHash = request.headers["x-amz-content-sha256"] ?? "";
    if (!payloadHash) return refuse(400, "InvalidRequest", "x-amz-content-sha256 is required for Signature Version 4");
  }
  if (!credential) return refuse(400, "AuthorizationHeaderMalformed", "the credential scope is malformed");
  const secret = secrets.get(credential.accessKeyId);
  if (secret === undefined) return refuse(403, "InvalidAccessKeyId", "the access key ID does not exist");
  if (!amzDate.startsWith(credential.date)) return refuse(403, "SignatureDoesNotMatch", "the credential date is not the request date");
  if (!signedHeaders.includes("host")) return refuse(403, "SignatureDoesNotMatch", "the host header must be signed");

  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(request.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonicalRequest = [
    request.method,
    path || "/",
    canonicalQuery(pairs),
    canonicalHeaders,
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const stringToSign = [ALGORITHM, amzDate, credential.scope, sha256Hex(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${secret}`, credential.date);
  for (const part of [credential.region, credential.service, "aws4_request"]) key = hmac(key, part);
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided");
  }
  return { ok: true, accessKeyId: credential.accessKeyId, presigned };
}

/** "20260102T030405Z" as epoch milliseconds; null when malformed. */
function parseAmzDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : null;
}

/** Whether a hex x-amz-content-sha256 matches the body that arrived (R2: 400 XAmzContentSHA256Mismatch). */
export function payloadHashMatches(declared: string | undefined, body: Buffer): boolean {
  if (!declared || !/^[0-9a-f]{64}$/.test(declared)) return true;
  return sha256Hex(body) === declared;
}
