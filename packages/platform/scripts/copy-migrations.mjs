// The compiled migrator reads the SQL migrations next to it.
import { cpSync, existsSync } from "node:fs";
if (existsSync("src/db/migrations")) cpSync("src/db/migrations", "dist/db/migrations", { recursive: true });
