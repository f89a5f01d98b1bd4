import { VIDEO_STATUSES, type VideoStatus } from "@aq/contracts";

/**
 * The one place where GraphQL's upper-case VideoStatus values meet the contracts' lower-case
 * statuses: the enum's internal values, so resolvers only ever see VideoStatus.
 */
export type GraphQLVideoStatus = Uppercase<VideoStatus>;

export function toGraphQLStatus(status: VideoStatus): GraphQLVideoStatus {
  return status.toUpperCase() as GraphQLVideoStatus;
}

export const videoStatusEnumValues = Object.fromEntries(VIDEO_STATUSES.map((status) => [toGraphQLStatus(status), status])) as Record<
  GraphQLVideoStatus,
  VideoStatus
>;
