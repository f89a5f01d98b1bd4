import { fileURLToPath } from "node:url";
import { bundleWorker } from "../src/bundle.js";

const outfile = fileURLToPath(new URL("../dist/worker.js", import.meta.url));
await bundleWorker(outfile);
console.log(`built ${outfile}`);
