import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (apps/stack/src or apps/stack/dist, three levels down). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Where the local stack keeps its state unless told otherwise: `<repo>/.data` (git-ignored). */
export const defaultDataDir = resolve(repoRoot, ".data");
