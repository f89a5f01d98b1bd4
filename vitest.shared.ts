// Workspace packages export their TypeScript sources under the "source" condition,
// so tests run against src without a build step. Vitest also hands these conditions to
// Node (--conditions) for external packages, so the list holds nothing Node does not
// already apply: "import" there would make require() load a dual package's ESM build (pg),
// and "module" would send the AWS SDK to its extension-less dist-es build.
export const sourceConditions = {
  resolve: { conditions: ["source", "node"] },
  ssr: { resolve: { conditions: ["source", "node"], externalConditions: ["source"] } },
};
