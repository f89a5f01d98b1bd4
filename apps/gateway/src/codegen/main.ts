import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { GENERATED_PATH, generateResolverTypes } from "./resolver-types.js";

await writeFile(GENERATED_PATH, await generateResolverTypes());
console.log(`wrote ${fileURLToPath(GENERATED_PATH)}`);
