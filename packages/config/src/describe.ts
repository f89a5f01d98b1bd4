import { z } from "zod";

/** What configuration.md says about a variable besides its name and the services that read it. */
export interface EnvDescription {
  description: string;
  /** The default as a reader should see it, when the schema's own is machine-dependent or needs words. */
  shownDefault?: string;
}

/** Descriptions of the variables, keyed by their schema (docs/configuration.md is generated from it). */
export const envDescriptions = z.registry<EnvDescription>();

/** A variable's schema, described once: the same object parses the value and documents it. */
export function described<S extends z.ZodType>(schema: S, description: string, shownDefault?: string): S {
  envDescriptions.add(schema, shownDefault === undefined ? { description } : { description, shownDefault });
  return schema;
}
