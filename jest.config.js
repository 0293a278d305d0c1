/**
 * Two projects: fast unit tests (no services) and end-to-end tests that drive the real
 * Pulumi engine against the local stack started by `scripts/stack`.
 * @type {import('jest').Config}
 */
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  // .stack and the version-matrix stacks (.stack-<version>): an engine's meta data holds raft `*.snap` files.
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/examples/", "<rootDir>/\\.stack(-[^/]*)?/"],
};

module.exports = {
  // End-to-end tests drive the real engine; unit tests finish in milliseconds either way.
  testTimeout: 600000,
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
    {
      ...common,
      displayName: "e2e",
      testMatch: ["<rootDir>/tests/e2e/**/*.e2e.test.ts"],
      globalSetup: "<rootDir>/tests/support/globalSetup.ts",
    },
  ],
};
