/**
 * Two projects: fast unit tests (no services) and end-to-end tests that drive the real
 * Pulumi engine against the local stack started by `scripts/stack`.
 * @type {import('jest').Config}
 */
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/examples/"],
};

module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
    {
      ...common,
      displayName: "e2e",
      testMatch: ["<rootDir>/tests/e2e/**/*.e2e.test.ts"],
      testTimeout: 600000,
      globalSetup: "<rootDir>/tests/support/globalSetup.ts",
    },
  ],
};
