import { toApiStatus, VIDEO_STATUSES, type ApiVideoStatus, type VideoStatus } from "@aq/contracts";

/**
 * The one place where GraphQL's upper-case VideoStatus values meet the contracts' lower-case
 * statuses: the enum's internal values, so resolvers only ever see VideoStatus. The spelling
 * itself is the contracts' (toApiStatus).
 */
export const videoStatusEnumValues = Object.fromEntries(VIDEO_STATUSES.map((status) => [toApiStatus(status), status])) as Record<
  ApiVideoStatus,
  VideoStatus
>;
