import { PutObjectCommand } from "@aws-sdk/client-s3";
import { QC_REPORT, type QcReport } from "@aq/contracts";
import { insertVideo } from "@aq/platform/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInfrastructure, startTestGateway, type Infrastructure, type TestGateway } from "./harness.js";

const QC = `query($id: ID!) { video(id: $id) { qc { renditions { name peakBitrate declaredBandwidth } audio { silent integratedLufs } qualitySample { ssimY } warnings } } }`;

const report: QcReport = {
  measuredAt: "2026-11-29T20:00:00.000Z",
  sourceDurationSeconds: 7,
  renditions: [
    {
      name: "240p",
      declaredBandwidth: 500_000,
      averageBitrate: 300_000,
      peakBitrate: 450_000,
      durationSeconds: 7,
      segmentCount: 2,
      longestSegmentSeconds: 6,
    },
  ],
  keyframesAligned: true,
  qualitySample: { rendition: "240p", startSeconds: 0, seconds: 6, ssimY: 0.97, psnrY: 40.1 },
  audio: { integratedLufs: null, truePeakDbtp: null, silent: true },
  warnings: ["the audio track is silent"],
};

describe("Video.qc", () => {
  let infra: Infrastructure;
  let gw: TestGateway;

  beforeAll(async () => {
    infra = await startInfrastructure();
    gw = await startTestGateway(infra);
  });
  afterAll(async () => {
    await gw?.stop();
    await infra?.stop();
  });

  const video = async (id: string, status: "ready" | "encoding") => {
    await insertVideo(gw.db, {
      id,
      title: id,
      status,
      sourceKind: "upload",
      sourceLocation: `uploads/${id}/a.mp4`,
      outputPrefix: `videos/${id}/`,
    });
    await gw.storage.client.send(
      new PutObjectCommand({
        Bucket: gw.storage.bucket,
        Key: `videos/${id}/${QC_REPORT}`,
        Body: JSON.stringify(report),
        ContentType: "application/json",
      }),
    );
  };

  it("gives a READY video's report as the encoder stored it in the bucket", async () => {
    const id = `qc-ready-${Date.now()}`;
    await video(id, "ready");
    const { data, errors } = await gw.graphql(QC, { id });
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      video: {
        qc: {
          renditions: [{ name: "240p", peakBitrate: 450_000, declaredBandwidth: 500_000 }],
          audio: { silent: true, integratedLufs: null },
          qualitySample: { ssimY: 0.97 },
          warnings: ["the audio track is silent"],
        },
      },
    });
  });

  it("gives none before READY, nor when no report was stored", async () => {
    const encoding = `qc-encoding-${Date.now()}`;
    await video(encoding, "encoding");
    expect((await gw.graphql(QC, { id: encoding })).data).toEqual({ video: { qc: null } });
    const bare = `qc-bare-${Date.now()}`;
    await insertVideo(gw.db, { id: bare, title: bare, status: "ready", sourceKind: "upload", sourceLocation: `uploads/${bare}/a.mp4` });
    expect((await gw.graphql(QC, { id: bare })).data).toEqual({ video: { qc: null } });
  });
});
