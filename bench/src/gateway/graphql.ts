import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface GatewayEndpoint {
  graphqlUrl: string;
  graphqlWsUrl: string;
  apiKey: string;
}

export const CREATE_VIDEO = /* GraphQL */ `
  mutation CreateVideo($input: CreateVideoInput!) {
    createVideo(input: $input) {
      video { id status }
      upload { url method headers { name value } }
    }
  }`;

export const COMPLETE_UPLOAD = /* GraphQL */ `
  mutation CompleteUpload($id: ID!) {
    completeVideoUpload(id: $id) { id status }
  }`;

export const VIDEO = /* GraphQL */ `
  query Video($id: ID!) {
    video(id: $id) { id title status progress renditions { name width height bandwidth } durationSeconds width height createdAt updatedAt }
  }`;

export const VIDEO_PROGRESS = /* GraphQL */ `
  subscription Progress($id: ID!) {
    videoProgress(id: $id) { videoId status stage percent error { code message } at }
  }`;

export interface CreatedVideo {
  createVideo: {
    video: { id: string; status: string };
    upload: { url: string; method: string; headers: { name: string; value: string }[] } | null;
  };
}

export interface ProgressMessage {
  videoProgress: { videoId: string; status: string; stage: string; percent: number; error: { code: string; message: string } | null; at: string };
}

/** One GraphQL operation over HTTP POST; throws on transport errors and on GraphQL errors. */
export async function graphqlRequest<T>(endpoint: GatewayEndpoint, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(endpoint.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${endpoint.apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T; errors?: { message: string }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`the gateway answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join("; ")}`);
  if (!body.data) throw new Error(`the gateway answered ${response.status} without data`);
  return body.data;
}

/** A graphql-ws client with the API key as the connection parameter; no reconnects (a drop is a failure here). */
export function wsClient(endpoint: GatewayEndpoint): Client {
  return createClient({
    url: endpoint.graphqlWsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${endpoint.apiKey}` },
    retryAttempts: 0,
  });
}
