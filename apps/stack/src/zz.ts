import { startLocalS3 } from "./infra/s3.js";
const s3 = await startLocalS3({ directory: "/tmp/stk/data/s3", port: 14568, bucket: "aq-local" });
const r = await fetch(`${s3.env.S3_ENDPOINT}/aq-local/x`, { method: "OPTIONS", headers: { Origin: "http://example.com", "Access-Control-Request-Method": "PUT" } });
console.log("cors", r.status, r.headers.get("access-control-allow-origin"), await r.text());
await s3.stop();
