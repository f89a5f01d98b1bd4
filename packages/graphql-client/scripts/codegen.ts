import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { GENERATED_PATH, generateClient } from "./generate-client.js";

await writeFile(GENERATED_PATH, await generateClient());
console.log(`wrote ${fileURLToPath(GENERATED_PATH)}`);
