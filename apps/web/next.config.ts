import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// npm workspaces hoist next and react to the repository's node_modules; pointing Turbopack and
// file tracing at the repository root lets them resolve those without guessing from lockfiles.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // ws loads optional native add-ons with require() at run time, which a bundle would break.
  serverExternalPackages: ["ws"],
};

export default nextConfig;
