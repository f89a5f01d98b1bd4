import { databaseEnv, loadConfig } from "@aq/config";
import { z } from "zod";
import { closeDatabase, createDatabase } from "./client.js";
import { runMigrations } from "./migrate.js";

const config = loadConfig(z.object(databaseEnv));
const db = createDatabase(config.DATABASE_URL, { max: 1 });
await runMigrations(db);
await closeDatabase(db);
console.log("migrations applied");
