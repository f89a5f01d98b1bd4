/**
 * Every GraphQL operation this app sends. test/operations.test.ts validates them against the
 * gateway's checked-in schema, so a renamed field fails a test instead of a page.
 */

const VIDEO_SUMMARY = /* GraphQL */ `
  fragment VideoSummary on Video {
    id
    title
    status
    progress
    durationSeconds
    width
    height
    error {
      code
      message
    }
    renditions {
      name
      width
      height
      bandwidth
    }
    createdAt
    updatedAt
  }
`;

export const LIBRARY_QUERY = /* GraphQL */ `
  query Library($first: Int, $after: String) {
    videos(first: $first, after: $after) {
      edges {
        node {
          ...VideoSummary
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${VIDEO_SUMMARY}
`;

export const PLAYER_QUERY = /* GraphQL */ `
  query Player($id: ID!, $expiresInSeconds: Int) {
    video(id: $id) {
      ...VideoSummary
      playbackUrl(expiresInSeconds: $expiresInSeconds)
    }
  }
  ${VIDEO_SUMMARY}
`;

export const CREATE_UPLOAD_MUTATION = /* GraphQL */ `
  mutation CreateUpload($input: CreateVideoInput!) {
    createVideo(input: $input) {
      video {
        ...VideoSummary
      }
      upload {
        url
        method
        headers {
          name
          value
        }
        expiresAt
      }
    }
  }
  ${VIDEO_SUMMARY}
`;

export const COMPLETE_UPLOAD_MUTATION = /* GraphQL */ `
  mutation CompleteUpload($id: ID!) {
    completeVideoUpload(id: $id) {
      ...VideoSummary
    }
  }
  ${VIDEO_SUMMARY}
`;

export const RETRY_VIDEO_MUTATION = /* GraphQL */ `
  mutation RetryVideo($id: ID!) {
    retryVideo(id: $id) {
      ...VideoSummary
    }
  }
  ${VIDEO_SUMMARY}
`;

export const DELETE_VIDEO_MUTATION = /* GraphQL */ `
  mutation DeleteVideo($id: ID!) {
    deleteVideo(id: $id)
  }
`;

export const VIDEO_PROGRESS_SUBSCRIPTION = /* GraphQL */ `
  subscription VideoProgress($id: ID!) {
    videoProgress(id: $id) {
      videoId
      status
      stage
      percent
      fps
      speed
      etaSeconds
      error {
        code
        message
      }
      at
    }
  }
`;
