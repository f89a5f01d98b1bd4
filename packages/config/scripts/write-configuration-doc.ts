import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { CONFIGURATION_DOC_PATH, renderConfigurationDoc } from "../src/configuration-doc.js";

await writeFile(CONFIGURATION_DOC_PATH, renderConfigurationDoc());
console.log(`wrote ${fileURLToPath(CONFIGURATION_DOC_PATH)}`);
